import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { EngineError } from "../errors.ts";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each line of stdout and stderr as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Bytes of stdout kept for the result (the rest is only streamed). */
  keepStdout?: number;
  input?: string;
  /** Feed this file to stdin. */
  stdinFile?: string;
  /** Write stdout to this file instead of keeping it. */
  stdoutFile?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  /** The last lines of stderr, for error messages. */
  stderrTail: string;
}

export class CommandFailedError extends EngineError {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super("PRECONDITION_FAILED", `${command} exited with ${result.code}${result.stderrTail ? `:\n${result.stderrTail}` : ""}`);
  }
}

export class CommandAbortedError extends EngineError {
  constructor(
    command: string,
    readonly reason: "timeout" | "cancelled",
  ) {
    super("PRECONDITION_FAILED", reason === "timeout" ? `${command} took too long and was stopped.` : `${command} was cancelled.`);
  }
}

/**
 * Runs a command in its own process group, streaming its output by line. On abort or
 * timeout the whole group gets SIGTERM, then SIGKILL, so no grandchild outlives it.
 */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdin = options.stdinFile ? openSync(options.stdinFile, "r") : options.input === undefined ? "ignore" : "pipe";
    const stdout = options.stdoutFile ? openSync(options.stdoutFile, "w") : "pipe";
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: [stdin, stdout, "pipe"],
    });
    // The child holds its own copies of the descriptors.
    if (typeof stdin === "number") closeSync(stdin);
    if (typeof stdout === "number") closeSync(stdout);
    const keep = options.keepStdout ?? 1024 * 1024;
    let kept = "";
    const stderrLines: string[] = [];
    let stopped: "timeout" | "cancelled" | null = null;

    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const stop = (why: "timeout" | "cancelled") => {
      if (stopped || child.exitCode !== null) return;
      stopped = why;
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 3000).unref();
    };
    const timer = options.timeoutMs ? setTimeout(() => stop("timeout"), options.timeoutMs) : null;
    const onAbort = () => stop("cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    const lineReader = (stream: "stdout" | "stderr") => {
      let buffer = "";
      return (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        if (stream === "stdout" && kept.length < keep) kept += text.slice(0, keep - kept.length);
        buffer += text;
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) emit(line, stream);
      };
    };
    const emit = (line: string, stream: "stdout" | "stderr") => {
      if (stream === "stderr") {
        stderrLines.push(line);
        if (stderrLines.length > 30) stderrLines.shift();
      }
      options.onLine?.(line, stream);
    };
    child.stdout?.on("data", lineReader("stdout"));
    child.stderr?.on("data", lineReader("stderr"));
    if (options.input !== undefined) child.stdin?.end(options.input);

    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      reject(new EngineError("PRECONDITION_FAILED", `Cannot run ${command}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // The group may still hold stragglers that closed their pipes; make sure they go.
      killGroup("SIGKILL");
      if (stopped) return reject(new CommandAbortedError(command, stopped));
      resolve({ code: code ?? (signal ? 128 : 1), stdout: kept, stderrTail: stderrLines.join("\n").trim() });
    });
  });
}

/** Like `run`, but a non-zero exit is a `CommandFailedError`. */
export async function runChecked(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CommandFailedError([command, ...args.slice(0, 2)].join(" "), result);
  return result;
}
