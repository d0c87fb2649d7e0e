// Runs the system git with an environment of our own making: no user or system config, no
// prompts, only the protocols we allow, no hooks or submodules. Each git runs in its own
// process group, so a timeout or a cancel kills its helpers (git-remote-http, ssh) too.
import { spawn } from "node:child_process";
import { directoryBytes } from "./git-fetch-cap.ts";

/** Settings every git we start runs with, passed through GIT_CONFIG_* so no command line can drop them. */
const FORCED_CONFIG: [string, string][] = [
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["credential.helper", ""],
  ["protocol.version", "2"],
  ["submodule.recurse", "false"],
  ["fetch.recurseSubmodules", "false"],
  ["init.defaultBranch", "main"],
  ["advice.detachedHead", "false"],
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
  // A redirect would reach a host the outbound guard never checked (git-guard.ts).
  ["http.followRedirects", "false"],
];

export interface GitEnvOptions {
  /** An empty directory that serves as $HOME. */
  home: string;
  /** file:// and local paths: only for repositories the platform trusts (tests, operators). */
  allowLocal: boolean;
  /** The proxy and TLS variables (HTTPS_PROXY, SSL_CERT_FILE…) a git that reaches the network needs. */
  networkEnv?: Record<string, string>;
  /** More settings forced the same way, e.g. the checked address pinned by http.curloptResolve. */
  extraConfig?: [string, string][];
}

export function gitEnv({ home, allowLocal, networkEnv = {}, extraConfig = [] }: GitEnvOptions): Record<string, string> {
  const config = [...FORCED_CONFIG, ...extraConfig];
  const env: Record<string, string> = { ...networkEnv, PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: allowLocal ? "file:git:http:https:ssh" : "git:http:https:ssh",
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new",
    GIT_LFS_SKIP_SMUDGE: "1",
    LC_ALL: "C",
    GIT_CONFIG_COUNT: String(config.length),
  });
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout passed `stdoutLimit`; git was stopped. */
  truncated: boolean;
}

export interface GitCallOptions {
  /** Extra variables for this call (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  cwd?: string;
  onLine?: (line: string) => void;
  stdoutLimit?: number;
  /** Stops git with `tooLarge()` once the files under `dir` pass `maxBytes` (looked at every `intervalMs`, default 250). */
  byteCap?: { dir: string; maxBytes: number; tooLarge: () => Error; intervalMs?: number };
}

export type RunGit = (args: string[], options?: GitCallOptions) => Promise<GitResult>;

export interface GitSessionOptions {
  env: Record<string, string>;
  /** One deadline for every git of the session. */
  timeoutMs: number;
  signal?: AbortSignal;
  onTimeout: () => Error;
  onCancel: () => Error;
}

/** A runner whose gits share one deadline and one abort signal. */
export function gitSession(session: GitSessionOptions): RunGit {
  const deadline = Date.now() + session.timeoutMs;
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      if (session.signal?.aborted) return reject(session.onCancel());
      const child = spawn("git", args, {
        cwd: options.cwd,
        env: { ...session.env, ...options.env },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      // Set when we killed git: the error to report (null when only its output was too long).
      let stopped: Error | null = null;
      let truncated = false;
      const stop = (why: Error | null) => {
        if (stopped) return;
        stopped = why;
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // The group is already gone.
        }
      };
      const timer = setTimeout(() => stop(session.onTimeout()), Math.max(0, deadline - Date.now()));
      const onAbort = () => stop(session.onCancel());
      session.signal?.addEventListener("abort", onAbort, { once: true });
      const cap = options.byteCap;
      let measuring = false;
      const watcher = cap
        ? setInterval(() => {
            if (measuring) return;
            measuring = true;
            void directoryBytes(cap.dir).then((bytes) => {
              measuring = false;
              if (bytes > cap.maxBytes) stop(cap.tooLarge());
            });
          }, cap.intervalMs ?? 250)
        : null;

      const limit = options.stdoutLimit ?? 64 * 1024 * 1024;
      const out: Buffer[] = [];
      let outBytes = 0;
      child.stdout.on("data", (chunk: Buffer) => {
        if (truncated) return;
        outBytes += chunk.length;
        out.push(chunk);
        if (outBytes > limit) {
          truncated = true;
          stop(null);
        }
      });
      let err = "";
      let partial = "";
      child.stderr.on("data", (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        err = (err + text).slice(-64 * 1024);
        if (!options.onLine) return;
        const lines = (partial + text).split(/[\r\n]+/);
        partial = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) options.onLine(line);
      });
      child.on("error", (e) => stop(e));
      // "close", not "exit": it comes once every holder of the pipes (the whole group) is gone.
      child.on("close", (code) => {
        clearTimeout(timer);
        if (watcher) clearInterval(watcher);
        session.signal?.removeEventListener("abort", onAbort);
        if (partial.trim()) options.onLine?.(partial);
        if (stopped) return reject(stopped);
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: err, truncated });
      });
    });
}

/** The lines of git's stderr that explain a failure, for an error message. */
export function gitComplaint(stderr: string): string {
  const lines = stderr
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.filter((l) => /^(fatal|error|remote):/i.test(l));
  return (telling.length ? telling : lines.slice(-1)).join(" ").slice(0, 500);
}
