// How a one-off instance is attached to its caller: the launcher joins the instance's cgroups
// and execs the sandbox with pipes to the control plane, on a pseudo-terminal when asked for.
import { type ChildProcess, spawn } from "node:child_process";
import { type Readable, Transform, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Instance, LauncherExit } from "./instance.ts";
import { childExit, HOST_PATH, spawnLauncher } from "./launcher.ts";

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface AttachedIo {
  /** Bytes to the process: its terminal's input, or its stdin. */
  input: Writable;
  /** What it writes: the terminal's output (stdout and stderr together), or its stdout. */
  output: Readable;
  /** Its stderr when there is no terminal (nothing comes here on a terminal). */
  errors: Readable;
  /** Sets the terminal's window size (the process gets SIGWINCH); does nothing without one. */
  resize(size: TerminalSize): void;
}

export type AttachedInstance = Instance & { io: AttachedIo };

/** Starts the sandbox's command line on the host, inside the instance's cgroups. */
export interface SandboxLauncher {
  /** The sandbox runs on a terminal: nspawn's interactive console, bwrap without a new session. */
  terminal: boolean;
  spawn(dir: string, procsFiles: string[], argv: string[]): ChildProcess;
  exit(child: ChildProcess): Promise<LauncherExit>;
}

/** Instances of a formation: detached from the control plane, output to files, outliving it. */
export const detachedLauncher: SandboxLauncher = { terminal: false, spawn: spawnLauncher, exit: childExit };

// exec, not `"$@" &`: a backgrounded command of a non-interactive shell gets /dev/null as stdin.
const ATTACHED_SCRIPT = `while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done
shift
exec "$@"`;

const PYTHON = "/usr/bin/python3";
const RELAY = fileURLToPath(new URL("./pty-relay.py", import.meta.url));

/** A launcher whose child keeps its pipes: the one-off's input, output and (on a terminal) window size. */
export function attachedLauncher(terminal: TerminalSize | null, noise: RegExp[] = []): SandboxLauncher & { io(): AttachedIo | null } {
  let child: ChildProcess | null = null;
  return {
    terminal: terminal !== null,
    spawn(_dir, procsFiles, argv) {
      const command = terminal ? [PYTHON, RELAY, String(terminal.cols), String(terminal.rows), "--", ...argv] : argv;
      // Its own process group, as the detached launcher's, so stopping it reaches its children.
      child = spawn("/bin/sh", ["-c", ATTACHED_SCRIPT, "skypanel-one-off", ...procsFiles, "--", ...command], {
        cwd: "/",
        env: { PATH: HOST_PATH },
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      // The caller may hang up at any time; a write after that must not crash the control plane.
      child.stdin?.on("error", () => {});
      return child;
    },
    exit: childExit,
    io() {
      if (!child?.stdin || !child.stdout || !child.stderr) return null;
      const output = noise.length ? child.stdout.pipe(withoutNoise(noise)) : child.stdout;
      const errors = noise.length ? child.stderr.pipe(withoutNoise(noise)) : child.stderr;
      if (!terminal) return { input: child.stdin, output, errors, resize() {} };
      // On a terminal, input and resizes share the relay's stdin as frames, in the order sent.
      const input = relayFrames(child.stdin);
      return {
        input,
        output,
        errors,
        resize(size) {
          if (input.writable) input.write({ cols: clampSize(size.cols), rows: clampSize(size.rows) });
        },
      };
    },
  };
}

/**
 * pty-relay.py's stdin: each Buffer written becomes an input frame (type 0), each `{cols, rows}`
 * a resize frame (type 1); one queue keeps them in the order they were written.
 */
function relayFrames(stdin: Writable): Writable {
  const frame = (type: number, body: Buffer) => {
    const head = Buffer.alloc(5);
    head[0] = type;
    head.writeUInt32BE(body.length, 1);
    return Buffer.concat([head, body]);
  };
  return new Writable({
    objectMode: true,
    write(chunk: Buffer | string | TerminalSize, _encoding, done) {
      const bytes =
        typeof chunk === "string" || Buffer.isBuffer(chunk)
          ? frame(0, Buffer.from(chunk))
          : frame(1, Buffer.from(`${chunk.cols} ${chunk.rows}`));
      if (stdin.write(bytes)) done();
      else stdin.once("drain", () => done());
    },
    final(done) {
      stdin.end();
      done();
    },
  });
}

/** A window dimension the terminal accepts: 1–1000. */
export function clampSize(n: number): number {
  return Math.min(1000, Math.max(1, Math.floor(Number.isFinite(n) ? n : 80)));
}

/**
 * Drops whole lines the sandbox itself prints that say nothing about the app (nspawn's, at
 * exit). Such a line arrives in one write, so in one chunk; every other byte passes untouched.
 */
function withoutNoise(noise: RegExp[]) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = chunk.toString("latin1");
      if (!text.includes("\n")) return done(null, chunk);
      const kept = text.split(/(?<=\n)/).filter((line) => !noise.some((re) => re.test(line.replace(/\r?\n$/, ""))));
      done(null, Buffer.from(kept.join(""), "latin1"));
    },
  });
}
