import { InvalidAppNameError } from "../errors.ts";

/** Heroku's rule, also enforced by a CHECK in migration 0002. */
export const APP_NAME_RULE =
  "An app name is 3 to 30 characters: lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit.";
const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

// Names that would shadow the platform's own hostnames under the base domain.
const RESERVED = new Set(["www", "api", "admin", "dashboard", "app", "apps", "git", "status", "caddy", "metrics", "skypanel"]);

export function checkAppName(name: string): string {
  if (!APP_NAME.test(name))
    throw new InvalidAppNameError(`"${truncate(name)}" is not a valid app name. ${APP_NAME_RULE}`, { rule: APP_NAME_RULE });
  if (name.includes("--")) throw new InvalidAppNameError(`"${name}" has two dashes in a row, which DNS treats specially. ${APP_NAME_RULE}`);
  if (RESERVED.has(name)) throw new InvalidAppNameError(`"${name}" is reserved by the platform. Choose another name.`);
  return name;
}

function truncate(s: string) {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
