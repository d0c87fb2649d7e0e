import { ValidationError } from "../errors.ts";

export const ROOT_DIRECTORY_RULE =
  "A root directory is a relative path inside the repository (like apps/web), at most 255 characters, of folder names made of letters, digits, dots, dashes and underscores; no leading /, no . or .. and no empty parts.";
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** The sub-folder of the source an app builds from; empty or null: the source's root. */
export function checkRootDirectory(input: string | null): string | null {
  if (input === null) return null;
  // One trailing slash is how people type folders; store the path without it.
  const path = input.trim().replace(/\/$/, "");
  if (path === "") return null;
  const fail = (why: string): never => {
    throw new ValidationError(`"${truncate(input)}" is not a valid root directory: ${why}. ${ROOT_DIRECTORY_RULE}`, {
      rule: ROOT_DIRECTORY_RULE,
    });
  };
  if (path.length > 255) fail("it is longer than 255 characters");
  if (path.startsWith("/")) fail("it starts with /");
  for (const segment of path.split("/")) {
    if (segment === "") fail("it has an empty part (//)");
    if (segment === "." || segment === "..") fail(`it has a "${segment}" part`);
    if (!SEGMENT.test(segment)) fail(`"${truncate(segment)}" has a character other than letters, digits, ".", "-" and "_"`);
  }
  return path;
}

function truncate(s: string) {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
