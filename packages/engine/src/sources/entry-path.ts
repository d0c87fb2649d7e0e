// The rules an entry name from an archive must follow before it may become a path on disk.
// Nothing is "fixed": a name either is a plain relative path or the whole archive is refused.
import { UnsafeArchiveEntryError } from "./errors.ts";

// Control characters have no business in a file name and make logs and terminals lie.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;
const DRIVE = /^[A-Za-z]:/;

function checkCommon(entry: string, text: string, what: string, maxBytes: number): void {
  if (text.includes("\0")) throw new UnsafeArchiveEntryError(entry, `its ${what} contains a NUL byte`);
  if (Buffer.byteLength(text) > maxBytes) throw new UnsafeArchiveEntryError(entry, `its ${what} is longer than ${maxBytes} bytes`);
  if (CONTROL.test(text)) throw new UnsafeArchiveEntryError(entry, `its ${what} contains control characters`);
  if (text.includes("\\"))
    throw new UnsafeArchiveEntryError(entry, `its ${what} contains a backslash, which Windows reads as a path separator`);
  if (DRIVE.test(text)) throw new UnsafeArchiveEntryError(entry, `its ${what} starts with a Windows drive letter`);
  if (text.startsWith("/")) throw new UnsafeArchiveEntryError(entry, `its ${what} is an absolute path`);
}

/**
 * The entry's path relative to the extraction root, with `.` and empty segments dropped
 * ("" for the root itself). Throws for anything that could land outside the root.
 */
export function entryPath(name: string, maxBytes: number, as: { entry: string; what: string } = { entry: name, what: "name" }): string {
  if (name === "") throw new UnsafeArchiveEntryError(as.entry, `its ${as.what} is empty`);
  checkCommon(as.entry, name, as.what, maxBytes);
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes(".."))
    throw new UnsafeArchiveEntryError(as.entry, `its ${as.what} contains "..", which would leave the extraction directory`);
  return segments.join("/");
}

/** A symlink's target as written in the archive; whether it stays inside is decided once the whole tree is known. */
export function checkLinkTarget(entry: string, target: string, maxBytes: number): string {
  if (target === "") throw new UnsafeArchiveEntryError(entry, "it is a symlink with an empty target");
  checkCommon(entry, target, "link target", maxBytes);
  return target;
}
