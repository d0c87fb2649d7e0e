// Running `pip download` for the Python dependency layer: as the unprivileged user, with none of
// the platform's environment but the settings chosen here, and its failures in words for the user.
import { existsSync } from "node:fs";
import { ValidationError } from "../../errors.ts";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import type { BuildNetwork } from "../network.ts";
import { asUnprivileged } from "../workspace.ts";
import type { FetchContext } from "./types.ts";

const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** The index the platform's settings name (PIP_INDEX_URL, a mirror), else PyPI; never with its password. */
export function packageIndex(network: BuildNetwork): { url: string | null; name: string } {
  const url = network.pipIndexUrl;
  if (url === null) return { url, name: "PyPI" };
  try {
    const u = new URL(url);
    return { url, name: `the package index ${u.host}${u.pathname}` };
  } catch {
    return { url, name: "the configured package index" };
  }
}

export interface PipRun {
  cwd: string;
  home: string;
  tmp: string;
  /** pip's download cache, shared by builds. */
  cache: string;
  /** When the step must be over (the fetch's share of the build's time). */
  deadline: number;
  /** Where the requirements come from, for errors ("poetry.lock"). */
  from: string;
  /** Standard input (a script for `python3 -`). */
  input?: string;
  /** Keep the output out of the build's log. */
  quiet?: boolean;
}

/**
 * The whole environment pip gets: only the index comes from the platform's settings (`network`),
 * never PIP_FIND_LINKS, PIP_CERT, a proxy or any secret; the certificates are the system's bundle.
 */
export function pipEnv(network: BuildNetwork, path: string, r: PipRun): NodeJS.ProcessEnv {
  const index = packageIndex(network);
  return {
    PATH: path,
    HOME: r.home,
    TMPDIR: r.tmp,
    LANG: "C.UTF-8",
    PYTHONDONTWRITEBYTECODE: "1",
    PIP_CONFIG_FILE: "/dev/null",
    PIP_CACHE_DIR: r.cache,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_PROGRESS_BAR: "off",
    ...(existsSync(CA_BUNDLE) ? { PIP_CERT: CA_BUNDLE } : {}),
    ...(index.url ? { PIP_INDEX_URL: index.url } : {}),
  };
}

/**
 * Runs `python3 <args>` (the toolchain's python3, the one the sandboxed build uses) as the
 * unprivileged user with pipEnv(); its stdout and its last output lines.
 */
export async function runPython(ctx: FetchContext, r: PipRun, args: string[]): Promise<{ stdout: string; lines: string[] }> {
  const env = pipEnv(ctx.network, ctx.path, r);
  const lines: string[] = [];
  try {
    const result = await runChecked(...asUnprivileged("python3", args), {
      cwd: r.cwd,
      env,
      input: r.input,
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 2000) lines.shift();
        // "Saved <path>" repeats each download with this build's scratch path.
        if (!r.quiet && !line.startsWith("Saved ")) ctx.log(`       ${line}`);
      },
      signal: ctx.signal,
      timeoutMs: Math.max(1000, r.deadline - Date.now()),
    });
    return { stdout: result.stdout, lines };
  } catch (err) {
    if (err instanceof CommandFailedError) throw pipFailure(lines, r.from, packageIndex(ctx.network).name);
    throw err;
  }
}

/** The indented lines that follow the first line matching `heading`. */
function listedAfter(lines: string[], heading: RegExp): string[] {
  const at = lines.findIndex((l) => heading.test(l));
  if (at === -1) return [];
  const listed: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!/^\s{4}\S/.test(line)) break;
    listed.push(line.trim());
  }
  return listed;
}

/** What a failed pip run means, naming the requirement when pip does. */
export function pipFailure(lines: string[], from: string, index: string): ValidationError {
  const text = lines.join("\n");
  const requirement = (line: string) => line.split(/ from | \(from |\s+--hash/)[0] as string;

  if (/THESE PACKAGES DO NOT MATCH THE HASHES/.test(text)) {
    const at = lines.findIndex((l) => /THESE PACKAGES DO NOT MATCH THE HASHES/.test(l));
    const which = lines.slice(at + 1).find((l) => /^\s{4}\S/.test(l));
    const expected = /Expected (\w+) (\S+)/.exec(text);
    const got = /Got\s+(\S+)/.exec(text);
    return new ValidationError(
      `${from}: the download of ${which ? requirement(which.trim()) : "a requirement"} does not match the hash in ${from}` +
        (expected && got ? ` (expected ${expected[1]}:${expected[2]}, got ${expected[1]}:${got[1]})` : "") +
        `. Either ${from} is out of date (lock again and commit it) or the file on ${index} changed.`,
    );
  }
  const unhashed = listedAfter(lines, /Hashes are required in --require-hashes mode/).map(requirement);
  if (unhashed.length > 0) {
    return new ValidationError(
      `${from} gives hashes, but not for ${unhashed.join(", ")}, which the app needs. Add them (pip-compile --generate-hashes, or lock again) and commit ${from}.`,
    );
  }
  const unpinned = listedAfter(lines, /all requirements must have their versions pinned/).map(requirement);
  if (unpinned.length > 0) {
    return new ValidationError(
      `${from} gives hashes, so every requirement must be pinned with == and hashed: ${unpinned.join(", ")} is not.`,
    );
  }
  const missing = /No matching distribution found for (.+)$/m.exec(text)?.[1]?.trim();
  // pip retries an unreachable index, then reports the requirement as not found.
  if (
    /Failed to establish a new connection|Temporary failure in name resolution|Max retries exceeded|Could not fetch URL|Read timed out/.test(
      text,
    )
  ) {
    return new ValidationError(
      `${from}: ${index} could not be reached${missing ? ` for "${missing}"` : ""}, so the dependencies cannot be fetched. Try again; if it persists, the platform's network or its index is down.`,
    );
  }
  if (missing) {
    const versions = new RegExp(
      `satisfies the requirement ${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(from versions: (.*)\\)`,
    ).exec(text)?.[1];
    const known = versions && versions !== "none" ? ` (it has ${versions.split(", ").slice(-5).join(", ")})` : "";
    return new ValidationError(
      `${from}: the Python requirement "${missing}" cannot be installed: ${index} has no release of it for this platform's Python${known}.`,
    );
  }
  const conflict = /^ERROR: (Cannot install .+)$/m.exec(text)?.[1];
  if (conflict) {
    const cause = listedAfter(lines, /The conflict is caused by:/).slice(0, 4);
    return new ValidationError(`${from}: the requirements conflict: ${conflict}${cause.length ? ` ${cause.join("; ")}` : ""}`);
  }
  const metadata = /Encountered error while generating package metadata[\s\S]*?╰─>\s*(\S+)/.exec(text)?.[1];
  if (metadata) {
    return new ValidationError(
      `${from}: ${metadata} comes only as a source distribution, and its build backend failed to describe it (see the log). Depend on a version that has a wheel.`,
    );
  }
  const last = lines.filter((l) => l.startsWith("ERROR:")).pop();
  return new ValidationError(`pip could not download ${from}'s requirements: ${last ? last.slice(7) : "see the log"}`);
}
