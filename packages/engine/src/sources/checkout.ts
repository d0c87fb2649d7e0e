// Writes one commit's tree into a directory, without .git, under the same rules as archives:
// sizes and entry count checked from the tree listing before anything is written, symlinks
// only to places inside the tree, and nothing left behind when a rule is broken.
import { readlink } from "node:fs/promises";
import { join } from "node:path";
import { SourceTooLargeError, UnsafeArchiveEntryError } from "./errors.ts";
import { gitComplaint, type RunGit } from "./git-run.ts";
import { SourceBudget, type SourceLimits } from "./limits.ts";
import { stageFor } from "./staging.ts";
import { resolveLink } from "./symlinks.ts";

export interface CheckoutOptions {
  run: RunGit;
  gitDir: string;
  sha: string;
  destDir: string;
  /** A scratch file for the index, outside the repository and the destination. */
  indexFile: string;
  limits: SourceLimits;
}

export async function checkoutCommit({ run, gitDir, sha, destDir, indexFile, limits }: CheckoutOptions): Promise<void> {
  const symlinks = await checkTree(run, gitDir, sha, limits);
  const staging = await stageFor(destDir);
  try {
    const env = { GIT_INDEX_FILE: indexFile };
    for (const args of [
      ["read-tree", sha],
      ["checkout-index", "--all", "--force"],
    ]) {
      const result = await run(["--git-dir", gitDir, "--work-tree", staging.dir, ...args], { env });
      if (result.code !== 0) throw new Error(`git ${args[0]} failed: ${gitComplaint(result.stderr)}`);
    }
    const links = new Map<string, string>();
    for (const path of symlinks) links.set(path, await readlink(join(staging.dir, path)));
    for (const [path, target] of links) {
      const verdict = resolveLink(path, links);
      if (!verdict.inside)
        throw new UnsafeArchiveEntryError(path, `it is a symlink to ${JSON.stringify(target)} and ${verdict.reason}`, "commit");
    }
    await staging.commit();
  } catch (err) {
    await staging.discard();
    throw err;
  }
}

/** Counts and sizes every entry of the commit from `git ls-tree`; returns the symlinks' paths. */
async function checkTree(run: RunGit, gitDir: string, sha: string, limits: SourceLimits): Promise<string[]> {
  // A line is at most ~100 bytes plus the path, so this bounds the listing of a tree within limits.
  const stdoutLimit = limits.maxEntries * (limits.maxNameBytes + 120);
  const listing = await run(["--git-dir", gitDir, "ls-tree", "-r", "-z", "-l", "--full-tree", sha], { stdoutLimit });
  if (listing.truncated)
    throw new SourceTooLargeError("maxEntries", `The commit has more than ${limits.maxEntries.toLocaleString("en")} entries.`);
  if (listing.code !== 0) throw new Error(`git ls-tree failed: ${gitComplaint(listing.stderr)}`);
  const budget = new SourceBudget(limits);
  const symlinks: string[] = [];
  for (const record of listing.stdout.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, , size] = record.slice(0, tab).split(/ +/);
    const path = record.slice(tab + 1);
    budget.countEntry();
    if (type !== "blob") continue; // submodules (commit) are not fetched: they stay empty directories
    const bytes = Number(size);
    budget.addFileBytes(path, bytes, bytes);
    if (mode === "120000") symlinks.push(path);
  }
  return symlinks;
}
