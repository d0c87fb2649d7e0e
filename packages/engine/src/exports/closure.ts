// A release's build travels as its whole runtime closure in `nix-store --export` format, so the
// importing platform needs no binary cache and no rebuild to run it.
//
// Trust: `nix-store --import` never checks signatures (Nix passes NoCheckSigs for it, whatever
// require-sigs says; root is a trusted user), so SkyPanel's nix.conf needs no change and no
// `--option require-sigs false`. It also means the archive's author chooses the contents of
// every store path it carries that is not on this machine yet. The import service must treat
// an artifact as the uploader's own code, like a source upload, and nothing more.
import { addGcRoot, isValid, type NixEnv, NixUnavailableError, removeGcRoot } from "../nix/index.ts";
import { run, runChecked } from "../process/run.ts";
import { DamagedExportError } from "./errors.ts";

// A closure can be large; Nix reads and writes it all in one command. (nix-store --import also
// holds each path's NAR in memory while adding it, one more reason the artifact has a cap.)
const TIMEOUT_MS = 30 * 60_000;
// Every path of a closure printed one per line: far more than any app's closure holds.
const KEEP_STDOUT = 16 * 1024 * 1024;

/** Writes the runtime closure of `storePath` to `file`; returns the paths it holds. */
export async function exportClosure(nix: NixEnv, storePath: string, file: string): Promise<string[]> {
  if (!(await isValid(nix, storePath))) {
    throw new NixUnavailableError(`The build ${storePath} is no longer in this platform's Nix store, so it cannot be exported.`);
  }
  const paths = await closureOf(nix, storePath);
  await runChecked("nix-store", ["--export", ...paths], { env: nix.env, stdoutFile: file, timeoutMs: TIMEOUT_MS });
  return paths;
}

/** Several builds' closures in one file (a platform backup's), each shared path once. */
export async function exportClosures(nix: NixEnv, storePaths: string[], file: string): Promise<string[]> {
  for (const storePath of storePaths) {
    if (!(await isValid(nix, storePath)))
      throw new NixUnavailableError(`The build ${storePath} is no longer in this platform's Nix store.`);
  }
  const paths = await closureOf(nix, ...storePaths);
  await runChecked("nix-store", ["--export", ...paths], { env: nix.env, stdoutFile: file, timeoutMs: TIMEOUT_MS });
  return paths;
}

/** Adds every path in `file` to the store; returns them as Nix printed them. */
export async function importClosure(nix: NixEnv, file: string): Promise<string[]> {
  const result = await run("nix-store", ["--import"], { env: nix.env, stdinFile: file, timeoutMs: TIMEOUT_MS, keepStdout: KEEP_STDOUT });
  if (result.code !== 0) {
    // Nix's own words say which part was wrong ("wrong format", "path … is not valid").
    const said =
      result.stderrTail
        .split("\n")
        .pop()
        ?.replace(/^error:\s*/, "") ?? "";
    throw new DamagedExportError(`artifact.closure could not be added to the Nix store${said ? ` (${said.slice(0, 300)})` : ""}`);
  }
  return result.stdout.split("\n").filter((line) => line.length > 0);
}

/**
 * Imports `file` and checks it held exactly the runtime closure of `storePath`, which is valid
 * afterwards. With `rootName`, the path is rooted at once, so a garbage collection running
 * before the caller deploys it cannot take it. A file that holds anything else is refused, and
 * what it added is deleted again (only what nothing else on the machine uses).
 */
export async function importClosureFor(nix: NixEnv, file: string, storePath: string, o: { rootName?: string } = {}): Promise<string[]> {
  const imported = await importClosure(nix, file);
  if (o.rootName && imported.includes(storePath)) addGcRoot(storePath, o.rootName);
  const refuse = async (why: string): Promise<never> => {
    if (o.rootName) removeGcRoot(o.rootName);
    await deleteUnused(nix, imported);
    throw new DamagedExportError(why);
  };
  if (!imported.includes(storePath) || !(await isValid(nix, storePath))) {
    return refuse(`artifact.closure does not hold the build its manifest names (${storePath})`);
  }
  const closure = new Set(await closureOf(nix, storePath));
  const extra = imported.filter((p) => !closure.has(p));
  if (extra.length > 0) {
    return refuse(`artifact.closure holds ${extra.length} store path(s) that ${storePath} does not use, such as ${extra[0]}`);
  }
  return imported;
}

/** The paths of every closure, dependencies before the paths that use them (as --import needs). */
async function closureOf(nix: NixEnv, ...storePaths: string[]): Promise<string[]> {
  const { stdout } = await runChecked("nix-store", ["--query", "--requisites", ...storePaths], { env: nix.env, keepStdout: KEEP_STDOUT });
  return stdout.split("\n").filter((line) => line.length > 0);
}

/**
 * Deletes what nothing on the machine uses. `nix-store --delete` refuses a path that is rooted
 * or referred to from outside the set, and stops there; then the rest go one by one, referrers
 * first (the import printed dependencies first).
 */
async function deleteUnused(nix: NixEnv, paths: string[]) {
  if (paths.length === 0) return;
  const all = await run("nix-store", ["--delete", ...paths], { env: nix.env });
  if (all.code === 0) return;
  for (const path of [...paths].reverse()) await run("nix-store", ["--delete", path], { env: nix.env });
}
