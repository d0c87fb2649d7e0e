// A pipeline's name follows the app name rule (review apps are named after it), checked by the
// same function so the message is the same.
import { checkAppName } from "../apps/index.ts";
import { InvalidAppNameError } from "../errors.ts";

export function checkPipelineName(name: string): string {
  try {
    return checkAppName(name);
  } catch (err) {
    if (err instanceof InvalidAppNameError) throw new InvalidAppNameError(err.message.replaceAll("app name", "pipeline name"), err.details);
    throw err;
  }
}
