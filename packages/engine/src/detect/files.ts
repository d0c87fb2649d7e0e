// Reading an app's source safely. The source is hostile: a manifest may be a link to
// /etc/passwd, a FIFO that blocks forever, 50 MB of garbage or a link loop. Every read goes
// through SourceTree, which never leaves the source directory and never reads more than a cap.
import { constants } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./errors.ts";

/** The most detection reads of one manifest or source file. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** The most entries detection looks at in one directory. */
export const MAX_DIR_ENTRIES = 2000;

export type EntryKind = "file" | "dir" | "missing" | "other";

export interface DirEntry {
  /** Path relative to the source root, with forward slashes. */
  path: string;
  name: string;
  kind: EntryKind;
}

export class SourceTree {
  private constructor(private readonly root: string) {}

  static async open(sourceDir: string): Promise<SourceTree> {
    let root: string;
    try {
      root = await realpath(sourceDir);
    } catch {
      throw new ValidationError("The source directory does not exist or cannot be read.");
    }
    if (!(await stat(root)).isDirectory()) throw new ValidationError("The source is not a directory.");
    return new SourceTree(root);
  }

  /**
   * What `rel` is, after following links inside the source. A link that leads out of the
   * source, or in a loop, is an error naming it: detection never looks outside.
   */
  async kind(rel: string): Promise<EntryKind> {
    const real = await this.resolve(rel);
    if (real === null) return "missing";
    const info = await stat(real).catch(() => null);
    if (info === null) return "missing";
    return info.isFile() ? "file" : info.isDirectory() ? "dir" : "other";
  }

  async has(rel: string): Promise<boolean> {
    return (await this.kind(rel)) !== "missing";
  }

  async isFile(rel: string): Promise<boolean> {
    return (await this.kind(rel)) === "file";
  }

  async isDir(rel: string): Promise<boolean> {
    return (await this.kind(rel)) === "dir";
  }

  /** The file's text, or null when there is no such file. Throws for anything that is not a small UTF-8 text file. */
  async readText(rel: string, maxBytes = MAX_FILE_BYTES): Promise<string | null> {
    const real = await this.resolve(rel);
    if (real === null) return null;
    const before = await stat(real).catch(() => null);
    if (before === null) return null;
    // Checked before open: opening a FIFO or a device could block or have side effects.
    if (before.isDirectory()) throw new InvalidSourceFileError(rel, "is a directory, expected a file.");
    if (!before.isFile()) throw new InvalidSourceFileError(rel, "is not a regular file (a device, socket or pipe).");
    if (before.size > maxBytes) throw tooBig(rel, before.size, maxBytes);

    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((err: unknown) => {
      throw new InvalidSourceFileError(rel, `cannot be read (${errorCode(err)}).`);
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new InvalidSourceFileError(rel, "is not a regular file.");
      // Read one byte past the cap so a file that grew after stat is still caught.
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw tooBig(rel, length, maxBytes);
      return decodeText(rel, buffer.subarray(0, length));
    } finally {
      await handle.close();
    }
  }

  /**
   * Entries of a directory in name order, at most MAX_DIR_ENTRIES; [] when it is not a
   * directory. An entry that links out of the source (or loops) is listed as "other": scans
   * skip it, and a rule that needs that very file reads it and gets the error.
   */
  async list(rel = "."): Promise<DirEntry[]> {
    const real = await this.resolve(rel);
    if (real === null || !(await stat(real).catch(() => null))?.isDirectory()) return [];
    const names = (await readdir(real)).sort().slice(0, MAX_DIR_ENTRIES);
    const entries: DirEntry[] = [];
    for (const name of names) {
      const child = rel === "." ? name : `${rel}/${name}`;
      const kind = await this.kind(child).catch((err: unknown) => {
        if (err instanceof InvalidSourceFileError) return "other" as const;
        throw err;
      });
      entries.push({ path: child, name, kind });
    }
    return entries;
  }

  /** The real path of `rel` inside the root, or null when nothing is there (a dangling link counts as nothing). */
  private async resolve(rel: string): Promise<string | null> {
    const joined = path.resolve(this.root, rel);
    if (!this.contains(joined)) throw new InvalidSourceFileError(rel, "is outside the source directory.");
    let real: string;
    try {
      real = await realpath(joined);
    } catch (err) {
      const code = errorCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") {
        await this.checkParent(rel, joined);
        return null;
      }
      if (code === "ELOOP") throw new InvalidSourceFileError(rel, "is a symbolic link that loops back on itself.");
      throw new InvalidSourceFileError(rel, `cannot be read (${code}).`);
    }
    if (!this.contains(real)) throw outside(rel);
    return real;
  }

  /** A missing file is only "missing" if the directories above it do not lead out of the source. */
  private async checkParent(rel: string, joined: string): Promise<void> {
    for (let dir = path.dirname(joined); this.contains(dir) && dir !== this.root; dir = path.dirname(dir)) {
      const real = await realpath(dir).catch(() => null);
      if (real === null) continue;
      if (!this.contains(real)) throw outside(rel);
      return;
    }
  }

  private contains(absolute: string): boolean {
    return absolute === this.root || absolute.startsWith(this.root + path.sep);
  }
}

function outside(rel: string): InvalidSourceFileError {
  return new InvalidSourceFileError(
    rel,
    "is a symbolic link to a place outside the source directory (or inside such a link); SkyPanel never follows links out of an app's source. Commit the file itself instead.",
  );
}

function decodeText(rel: string, bytes: Buffer): string {
  if (bytes.includes(0)) throw new InvalidSourceFileError(rel, "contains binary data (NUL bytes), expected text.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidSourceFileError(rel, "is not UTF-8 text.");
  }
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

function tooBig(rel: string, size: number, max: number): InvalidSourceFileError {
  return new InvalidSourceFileError(rel, `is ${formatBytes(size)}, more than the ${formatBytes(max)} detection reads of one file.`);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

function errorCode(err: unknown): string {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : "unknown error";
}
