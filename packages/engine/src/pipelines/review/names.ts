// A review app's branch (checked: it names the app and may be fetched as a git ref) and its app
// name: `<pipeline>-pr-<n>` for a pull request, `<pipeline>-<branch>` otherwise, always a valid
// app name of at most 30 characters.
import { checkAppName } from "../../apps/index.ts";
import { ValidationError } from "../../errors.ts";
import { checkGitRef } from "../../sources/index.ts";

const MAX_APP_NAME = 30;
/** What of the pipeline's name is kept, so the branch or PR part always has room. */
const MAX_PREFIX = 18;
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what it looks for
export const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A branch as the API, the CLI or a push names it: a git ref git itself would accept, at most 255 characters. */
export function checkBranch(branch: string): string {
  if (typeof branch !== "string" || branch.trim() === "") throw new ValidationError("Name the branch the review app is for.");
  if (branch.length > 255) throw new ValidationError("A branch name is at most 255 characters.");
  if (branch.match(CONTROL)) throw new ValidationError("A branch name may not contain control characters.");
  try {
    return checkGitRef(branch);
  } catch (err) {
    throw new ValidationError(`"${branch.slice(0, 60)}" is not a branch name git accepts: ${(err as Error).message}`);
  }
}

/** Lowercase letters and digits, runs of anything else one dash; never empty. */
function slug(text: string, max: number): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
  return s || "branch";
}

/** The app name a review app wants; `attempt` > 1 adds a number when the first choice is taken. */
export function reviewAppName(pipeline: string, what: { prNumber?: number | null; branch: string }, attempt = 1): string {
  const prefix = pipeline.slice(0, MAX_PREFIX).replace(/-+$/, "");
  const suffix = attempt > 1 ? `-${attempt}` : "";
  const room = MAX_APP_NAME - prefix.length - 1 - suffix.length;
  const part = what.prNumber ? `pr-${what.prNumber}`.slice(0, room) : slug(what.branch.replace(/^review\//, ""), room);
  return checkAppName(`${prefix}-${part}${suffix}`.replace(/--+/g, "-"));
}
