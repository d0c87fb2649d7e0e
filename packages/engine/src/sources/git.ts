// fetchGit: one commit of a remote repository, checked out into a directory without .git.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from "../net/index.ts";
import { checkoutCommit } from "./checkout.ts";
import { GitFetchCancelledError, GitFetchError, GitFetchTooLargeError, GitRefNotFoundError, GitTimeoutError } from "./errors.ts";
import { DEFAULT_MAX_FETCH_BYTES, directoryBytes } from "./git-fetch-cap.ts";
import { guardGitRemote } from "./git-guard.ts";
import { type GitCallOptions, gitComplaint, gitEnv, gitSession, type RunGit } from "./git-run.ts";
import { checkGitRef, checkGitUrl, type GitRemote, looksLikeSha, redact } from "./git-url.ts";
import { type SourceLimits, sourceLimits } from "./limits.ts";
import { assertDestinationFree } from "./staging.ts";

export interface GitSource {
  url: string;
  /** A branch, a tag, or a full or short commit SHA; the remote's default branch when absent. */
  ref?: string | null;
}

export interface FetchGitOptions {
  /** For the whole fetch and checkout; git's process group is killed when it runs out. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** git's progress, line by line, with credentials scrubbed. */
  onLog?: (line: string) => void;
  /** Allow file:// URLs and absolute paths on this machine. Off for anything a user typed. */
  allowLocal?: boolean;
  /** The proxy and TLS variables git runs with (the platform's build network settings); none when absent. */
  networkEnv?: Record<string, string>;
  limits?: Partial<SourceLimits>;
  /** What a remote may resolve to (default: public addresses only). */
  outbound?: OutboundPolicy;
  /** The most bytes git may bring in, packed (default 1 GiB). */
  maxFetchBytes?: number;
}

export interface FetchedSource {
  commitSha: string;
  /** What was fetched: the branch or tag name (the default branch's name when none was asked), or the SHA. */
  ref: string;
}

const FETCHED = "refs/skypanel/fetched";

export async function fetchGit(source: GitSource, destDir: string, options: FetchGitOptions): Promise<FetchedSource> {
  const remote = checkGitUrl(source.url, options.allowLocal ?? false);
  const ref = source.ref ? checkGitRef(source.ref) : null;
  const limits = sourceLimits(options.limits);
  await assertDestinationFree(destDir);
  // Before any git runs: a refused destination is never connected to.
  const pinned = await guardGitRemote(remote, options.outbound ?? DEFAULT_OUTBOUND_POLICY, options.networkEnv);
  const maxFetchBytes = options.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES;
  const work = await mkdtemp(join(tmpdir(), "skypanel-git-"));
  try {
    const home = join(work, "home");
    await mkdir(home);
    const run = gitSession({
      env: gitEnv({ home, allowLocal: remote.local, networkEnv: options.networkEnv, extraConfig: pinned }),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onTimeout: () => new GitTimeoutError(remote.display, options.timeoutMs),
      onCancel: () => new GitFetchCancelledError(remote.display),
    });
    const onLog = options.onLog;
    const gitDir = join(work, "repo.git");
    const tooLarge = () => new GitFetchTooLargeError(remote.display, maxFetchBytes);
    const fetcher: Fetcher = {
      run,
      remote,
      gitDir,
      onLine: onLog && ((line) => onLog(redact(line, remote))),
      fetchOptions: { byteCap: { dir: gitDir, maxBytes: maxFetchBytes, tooLarge } },
      // The watch looks a few times a second; a fetch that ended in between is measured here.
      afterFetch: async () => {
        if ((await directoryBytes(gitDir)) > maxFetchBytes) throw tooLarge();
      },
    };
    const init = await run(["init", "--bare", "--quiet", "--template=", fetcher.gitDir]);
    if (init.code !== 0) throw new Error(`git init failed: ${gitComplaint(init.stderr)}`);

    const wanted = pickRef(await listRemote(fetcher), ref, remote);
    const commitSha = wanted.kind === "ref" ? await fetchRef(fetcher, wanted.fullName, wanted.name) : await fetchSha(fetcher, wanted.name);
    await checkoutCommit({ run, gitDir: fetcher.gitDir, sha: commitSha, destDir, indexFile: join(work, "index"), limits });
    return { commitSha, ref: wanted.name };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface Fetcher {
  run: RunGit;
  remote: GitRemote;
  gitDir: string;
  onLine: ((line: string) => void) | undefined;
  /** For every git that fetches: the byte cap. */
  fetchOptions: GitCallOptions;
  afterFetch: () => Promise<void>;
}

interface Advertised {
  /** What HEAD points to, e.g. refs/heads/main. */
  head: string | null;
  refs: Set<string>;
}

async function listRemote({ run, remote }: Fetcher): Promise<Advertised> {
  const result = await run(["ls-remote", "--symref", "--", remote.url]);
  if (result.code !== 0) throw new GitFetchError(remote.display, redact(gitComplaint(result.stderr), remote));
  const advertised: Advertised = { head: null, refs: new Set() };
  for (const line of result.stdout.split("\n")) {
    const [left, name] = line.split("\t");
    if (!left || !name) continue;
    if (left.startsWith("ref: ") && name === "HEAD") advertised.head = left.slice(5);
    else advertised.refs.add(name);
  }
  return advertised;
}

type Wanted = { kind: "ref"; fullName: string; name: string } | { kind: "sha"; name: string };

/** Like `git clone --branch`: a branch first, then a tag; a hex string that is neither is a SHA. */
function pickRef(advertised: Advertised, ref: string | null, remote: GitRemote): Wanted {
  if (ref === null) {
    if (!advertised.head) throw new GitFetchError(remote.display, "the repository has no default branch (is it empty?)");
    return { kind: "ref", fullName: advertised.head, name: advertised.head.replace(/^refs\/heads\//, "") };
  }
  const candidates = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  const found = candidates.find((c) => advertised.refs.has(c));
  if (found) return { kind: "ref", fullName: found, name: ref };
  if (looksLikeSha(ref)) return { kind: "sha", name: ref.toLowerCase() };
  throw new GitRefNotFoundError(ref, remote.display);
}

async function fetchRef(f: Fetcher, fullName: string, name: string): Promise<string> {
  const result = await f.run(
    ["--git-dir", f.gitDir, "fetch", "--depth=1", "--no-tags", "--progress", "--", f.remote.url, `+${fullName}:${FETCHED}`],
    { ...f.fetchOptions, onLine: f.onLine },
  );
  await f.afterFetch();
  if (result.code !== 0) throw new GitFetchError(f.remote.display, redact(gitComplaint(result.stderr), f.remote));
  const sha = await commitOf(f, FETCHED);
  if (!sha) throw new GitRefNotFoundError(name, f.remote.display, "it does not point to a commit");
  return sha;
}

async function fetchSha(f: Fetcher, sha: string): Promise<string> {
  if (sha.length === 40 || sha.length === 64) {
    // Protocol v2 servers (GitHub, GitLab, git itself) send a reachable commit on its own.
    const shallow = await f.run(
      ["--git-dir", f.gitDir, "fetch", "--depth=1", "--no-tags", "--progress", "--", f.remote.url, `${sha}:${FETCHED}`],
      { ...f.fetchOptions, onLine: f.onLine },
    );
    await f.afterFetch();
    if (shallow.code === 0) {
      const commit = await commitOf(f, FETCHED);
      if (commit) return commit;
    }
    f.onLine?.(`The server would not send ${sha} on its own; fetching all branches and tags to find it.`);
  }
  const full = await f.run(
    [
      "--git-dir",
      f.gitDir,
      "fetch",
      "--no-tags",
      "--progress",
      "--",
      f.remote.url,
      "+refs/heads/*:refs/skypanel/heads/*",
      "+refs/tags/*:refs/skypanel/tags/*",
    ],
    { ...f.fetchOptions, onLine: f.onLine },
  );
  await f.afterFetch();
  if (full.code !== 0) throw new GitFetchError(f.remote.display, redact(gitComplaint(full.stderr), f.remote));
  const result = await f.run(["--git-dir", f.gitDir, "rev-parse", "--verify", "--quiet", "--end-of-options", `${sha}^{commit}`]);
  if (/ambiguous/i.test(result.stderr))
    throw new GitRefNotFoundError(sha, f.remote.display, "several objects start with these digits; give more of them");
  const commit = result.stdout.trim();
  if (result.code !== 0 || !commit.startsWith(sha)) throw new GitRefNotFoundError(sha, f.remote.display);
  return commit;
}

async function commitOf(f: Fetcher, ref: string): Promise<string | null> {
  const result = await f.run(["--git-dir", f.gitDir, "rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : null;
}
