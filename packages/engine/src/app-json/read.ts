// app.json from an app's source. The source is hostile (see detect/files.ts): app.json may be a
// link to a file outside it, a FIFO that blocks forever, or megabytes of garbage; each is refused
// with a message that names it, and only a plain file is ever opened.
import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import path from "node:path";
import { formatBytes } from "../sources/limits.ts";
import { type AppJsonManifest, MAX_APP_JSON_BYTES, parseAppJson } from "./manifest.ts";
import { InvalidAppJsonError } from "./shape.ts";

const LINK = "is a symbolic link; SkyPanel reads app.json only as a plain file in the source. Commit the file itself.";

/** The app.json at the top of `dir`, parsed and checked; null when there is none. */
export async function readAppJson(dir: string): Promise<AppJsonManifest | null> {
  const file = path.join(dir, "app.json");
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(file);
  } catch (err) {
    if (errorCode(err) === "ENOENT") return null;
    throw new InvalidAppJsonError("", `cannot be read (${errorCode(err)}).`);
  }
  // Checked before open: opening a FIFO or a device could block or have side effects.
  if (info.isSymbolicLink()) throw new InvalidAppJsonError("", LINK);
  if (info.isDirectory()) throw new InvalidAppJsonError("", "is a directory, expected a file.");
  if (!info.isFile()) throw new InvalidAppJsonError("", "is not a regular file (a device, socket or pipe).");
  if (info.size > MAX_APP_JSON_BYTES) throw tooBig(info.size);

  // O_NOFOLLOW and O_NONBLOCK: app.json may have been swapped for a link or a FIFO since lstat.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((err: unknown) => {
    throw new InvalidAppJsonError("", errorCode(err) === "ELOOP" ? LINK : `cannot be read (${errorCode(err)}).`);
  });
  let bytes: Buffer;
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new InvalidAppJsonError("", "is not a regular file.");
    // One byte past the cap, so a file that grew after stat is still caught.
    const buffer = Buffer.alloc(Math.min(opened.size, MAX_APP_JSON_BYTES) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_APP_JSON_BYTES) throw tooBig(length);
    bytes = buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidAppJsonError("", "is not UTF-8 text.");
  }
  return parseAppJson(text);
}

function tooBig(size: number): InvalidAppJsonError {
  return new InvalidAppJsonError("", `is ${formatBytes(size)}, more than the ${formatBytes(MAX_APP_JSON_BYTES)} SkyPanel reads.`);
}

function errorCode(err: unknown): string {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : "unknown error";
}
