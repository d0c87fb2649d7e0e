// `git push http://host/git/<app>.git main`: the engine side of git's smart HTTP protocol.
// The HTTP layer authenticates and hands the request over; git http-backend runs as a CGI
// program against the app's bare repository, and the refs it changed are reported after.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { checkAppName } from "../apps/index.ts";
import { readCgiResponse } from "./cgi.ts";
import { checkoutCommit } from "./checkout.ts";
import { GitFetchCancelledError, GitRefNotFoundError, GitTimeoutError, InvalidGitRefError } from "./errors.ts";
import { gitComplaint, gitEnv, gitSession, type RunGit } from "./git-run.ts";
import { type SourceLimits, sourceLimits } from "./limits.ts";
import { isCode } from "./staging.ts";

/** The smart-HTTP endpoints, with the one method each accepts. Nothing else is served. */
const ENDPOINTS: Record<string, "GET" | "POST"> = { "/info/refs": "GET", "/git-upload-pack": "POST", "/git-receive-pack": "POST" };
const SERVICES = new Set(["git-upload-pack", "git-receive-pack"]);

/** Settings of every app repository. */
const REPO_CONFIG: [string, string][] = [
  ["http.receivepack", "true"],
  ["receive.fsckObjects", "true"],
  // Old repositories often carry this harmless quirk; refusing them would block real pushes.
  ["receive.fsck.zeroPaddedFilemode", "ignore"],
  ["receive.denyNonFastForwards", "false"],
  ["receive.maxInputSize", String(1024 * 1024 * 1024)],
  ["core.logAllRefUpdates", "true"],
];

export interface GitHttpRequest {
  reposRoot: string;
  appName: string;
  method: string;
  /** The part after `/git/<app>.git`, e.g. "/info/refs". */
  pathInfo: string;
  /** Without the "?", e.g. "service=git-receive-pack". */
  query: string;
  contentType?: string;
  /** "gzip" when git compressed the request body; http-backend inflates it. */
  contentEncoding?: string;
  contentLength?: number;
  /** The `Git-Protocol` request header (e.g. "version=2"). */
  gitProtocol?: string;
  body: Readable;
  /** Who pushed, as the HTTP layer authenticated them. */
  remoteUser: string;
  remoteAddr?: string;
}

export interface RefUpdate {
  ref: string;
  /** All zeros when the ref was created. */
  oldSha: string;
  /** All zeros when the ref was deleted. */
  newSha: string;
}

export interface GitHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
  /** Once the body was read to its end: the refs a push changed (empty for fetches). */
  pushed: () => Promise<RefUpdate[]>;
}

const defaultRunner = (home: string): RunGit =>
  gitSession({
    env: gitEnv({ home, allowLocal: false }),
    timeoutMs: 60_000,
    onTimeout: () => new Error("git took longer than 60 s on the app's repository"),
    onCancel: () => new Error("cancelled"),
  });

/** The app's bare repository, created on first use: `<reposRoot>/<app>.git`. */
export async function ensureAppRepo(reposRoot: string, appName: string): Promise<string> {
  checkAppName(appName);
  const root = resolve(reposRoot);
  const path = join(root, `${appName}.git`);
  if (await isFile(join(path, "HEAD"))) return path;
  const home = join(root, ".home");
  await mkdir(home, { recursive: true });
  const run = defaultRunner(home);
  const fresh = await mkdtemp(join(root, `.${appName}.git.new-`));
  try {
    const init = await run(["init", "--bare", "--quiet", "--template=", "--initial-branch=main", fresh]);
    if (init.code !== 0) throw new Error(`git init failed: ${gitComplaint(init.stderr)}`);
    for (const [key, value] of REPO_CONFIG) {
      const set = await run(["--git-dir", fresh, "config", key, value]);
      if (set.code !== 0) throw new Error(`git config ${key} failed: ${gitComplaint(set.stderr)}`);
    }
    await rename(fresh, path);
  } catch (err) {
    await rm(fresh, { recursive: true, force: true });
    // Two first pushes at once: the other one made it.
    if ((isCode(err, "ENOTEMPTY") || isCode(err, "EEXIST")) && (await isFile(join(path, "HEAD")))) return path;
    throw err;
  }
  return path;
}

export async function serveGitHttp(req: GitHttpRequest): Promise<GitHttpResponse> {
  const method = ENDPOINTS[req.pathInfo];
  if (method === undefined) return plain(404, "Not found. Only git's smart HTTP endpoints are served here.\n");
  if (req.method !== method) return plain(405, `Use ${method} for ${req.pathInfo}.\n`, { allow: method });
  if (req.pathInfo === "/info/refs" && !SERVICES.has(new URLSearchParams(req.query).get("service") ?? ""))
    return plain(404, "Not found. Only git's smart HTTP protocol is served (git 1.6.6 or newer).\n");
  if (req.gitProtocol !== undefined && !/^[A-Za-z0-9=:.,_-]*$/.test(req.gitProtocol)) return plain(400, "Malformed Git-Protocol header.\n");

  const repo = await ensureAppRepo(req.reposRoot, req.appName);
  const root = resolve(req.reposRoot);
  const run = defaultRunner(join(root, ".home"));
  const isPush = req.pathInfo === "/git-receive-pack";
  const before = isPush ? await readRefs(run, repo) : null;

  const env: Record<string, string> = {
    ...gitEnv({ home: join(root, ".home"), allowLocal: false }),
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${req.appName}.git${req.pathInfo}`,
    REQUEST_METHOD: req.method,
    QUERY_STRING: req.query,
    CONTENT_TYPE: req.contentType ?? "",
    REMOTE_USER: req.remoteUser,
    REMOTE_ADDR: req.remoteAddr ?? "127.0.0.1",
  };
  if (req.contentEncoding) env.HTTP_CONTENT_ENCODING = req.contentEncoding;
  if (req.contentLength !== undefined) env.CONTENT_LENGTH = String(req.contentLength);
  if (req.gitProtocol) env.HTTP_GIT_PROTOCOL = req.gitProtocol;

  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-16 * 1024);
  });
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  child.on("error", () => undefined); // reported through "close" and the missing headers
  child.stdin.on("error", () => undefined); // http-backend may answer before reading all of a bad request
  req.body.on("error", () => child.kill("SIGKILL"));
  req.body.pipe(child.stdin);

  let response: Awaited<ReturnType<typeof readCgiResponse>>;
  try {
    response = await readCgiResponse(child.stdout);
  } catch {
    child.kill("SIGKILL");
    await exited;
    return plain(500, `git http-backend failed: ${gitComplaint(stderr) || "no response"}\n`);
  }
  // The client hung up: stop git instead of letting it write into nothing.
  response.body.once("close", () => {
    if (!response.body.readableEnded) child.kill("SIGKILL");
  });

  let updates: Promise<RefUpdate[]> | null = null;
  const pushed = () => {
    updates ??= exited.then(async () => (before ? diffRefs(before, await readRefs(run, repo)) : []));
    return updates;
  };
  return { status: response.status, headers: response.headers, body: response.body, pushed };
}

/** Writes a pushed commit's tree into `destDir` (missing or empty), without .git. */
export async function exportTree(
  repoPath: string,
  sha: string,
  destDir: string,
  options: { timeoutMs?: number; signal?: AbortSignal; limits?: Partial<SourceLimits> } = {},
): Promise<void> {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) throw new InvalidGitRefError(sha, "a pushed commit is named by its full SHA");
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const work = await mkdtemp(join(tmpdir(), "skypanel-export-"));
  try {
    const home = join(work, "home");
    await mkdir(home);
    const run = gitSession({
      env: gitEnv({ home, allowLocal: false }),
      timeoutMs,
      signal: options.signal,
      onTimeout: () => new GitTimeoutError("the app's repository", timeoutMs),
      onCancel: () => new GitFetchCancelledError("the app's repository"),
    });
    const commit = await run(["--git-dir", repoPath, "rev-parse", "--verify", "--quiet", "--end-of-options", `${sha}^{commit}`]);
    if (commit.code !== 0) throw new GitRefNotFoundError(sha, "the app's repository");
    await checkoutCommit({ run, gitDir: repoPath, sha, destDir, indexFile: join(work, "index"), limits: sourceLimits(options.limits) });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readRefs(run: RunGit, repo: string): Promise<Map<string, string>> {
  const result = await run(["--git-dir", repo, "for-each-ref", "--format=%(objectname) %(refname)"]);
  if (result.code !== 0) throw new Error(`git for-each-ref failed: ${gitComplaint(result.stderr)}`);
  const refs = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

export function diffRefs(before: Map<string, string>, after: Map<string, string>): RefUpdate[] {
  const zero = (like: string) => "0".repeat(like.length);
  const updates: RefUpdate[] = [];
  for (const [ref, newSha] of after) {
    const oldSha = before.get(ref);
    if (oldSha !== newSha) updates.push({ ref, oldSha: oldSha ?? zero(newSha), newSha });
  }
  for (const [ref, oldSha] of before) if (!after.has(ref)) updates.push({ ref, oldSha, newSha: zero(oldSha) });
  return updates.sort((a, b) => a.ref.localeCompare(b.ref));
}

function plain(status: number, text: string, headers: Record<string, string> = {}): GitHttpResponse {
  const body = new PassThrough();
  body.end(text);
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body, pushed: async () => [] };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
