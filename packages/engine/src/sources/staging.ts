// Source is written into a hidden directory beside its destination and renamed into place
// only when everything checked out, so a failure leaves the destination as it was.
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { DestinationNotEmptyError } from "./errors.ts";

export interface Staging {
  /** Where to write; on the same filesystem as the destination. */
  dir: string;
  /** Moves `dir` (or the given directory inside it) to the destination. */
  commit(from?: string): Promise<void>;
  /** Removes everything written so far. Safe to call after commit. */
  discard(): Promise<void>;
}

export async function stageFor(destDir: string): Promise<Staging> {
  const dest = resolve(destDir);
  await assertDestinationFree(dest);
  await mkdir(dirname(dest), { recursive: true });
  const dir = await mkdtemp(join(dirname(dest), `.${basename(dest)}.partial-`));
  return {
    dir,
    async commit(from = dir) {
      // rename(2) replaces an empty directory and fails on a non-empty one, so a race that
      // filled the destination meanwhile fails here instead of mixing two trees.
      try {
        await rename(from, dest);
      } catch (err) {
        if (isCode(err, "ENOTEMPTY") || isCode(err, "EEXIST")) throw new DestinationNotEmptyError(dest);
        throw err;
      }
      if (from !== dir) await rm(dir, { recursive: true, force: true });
    },
    async discard() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Source only goes into a missing or empty directory. */
export async function assertDestinationFree(destDir: string): Promise<void> {
  const dest = resolve(destDir);
  let names: string[];
  try {
    names = await readdir(dest);
  } catch (err) {
    if (isCode(err, "ENOENT")) return;
    if (isCode(err, "ENOTDIR")) throw new DestinationNotEmptyError(dest);
    throw err;
  }
  if (names.length > 0) throw new DestinationNotEmptyError(dest);
}

export function isCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}
