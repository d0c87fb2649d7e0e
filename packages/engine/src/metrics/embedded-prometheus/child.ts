// One server the platform runs as its child (Prometheus, Alertmanager): started in its own
// process group with its output in a log file, ready once its readiness URL answers 200,
// restarted when it exits on its own, and stopped with the platform. Unlike Caddy it is never
// adopted: it serves only the platform, so a leftover one (from a platform that was killed) is
// stopped and started afresh with this start's config.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileSize, readTail } from "../../process/log-tail.ts";
import { processAlive } from "../../router/port-holders.ts";
import { EmbeddedPrometheusError } from "./errors.ts";

export interface ChildSpec {
  /** For messages: "Prometheus". */
  name: string;
  binary: string;
  args: string[];
  cwd: string;
  log: string;
  pidFile: string;
  /** A path on its command line that only this home's server has: a recorded pid is signalled only if it shows it. */
  marker: string;
  readyUrl: string;
  startTimeoutMs: number;
  /** Wait before a restart after it exited on its own (doubled for each quick exit after that). Default 2 s. */
  restartDelayMs?: number;
  notify: (message: string) => void;
}

export interface SupervisedChild {
  /** Its pid now (a restart changes it); null while it is down. */
  pid(): number | null;
  /** Stops it (SIGTERM to its group, SIGKILL after 10 s) and keeps it from restarting. */
  stop(): Promise<void>;
}

/** The path of `binary` (a name looked up on PATH, or a path), or null when it cannot be run. */
export function findBinary(binary: string): string | null {
  const candidates = binary.includes("/") ? [binary] : (process.env.PATH ?? "/usr/bin:/bin").split(delimiter).map((d) => join(d, binary));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Starts it and waits until it is ready; call stopLeftover first. */
export async function startSupervisedChild(spec: ChildSpec): Promise<SupervisedChild> {
  let current: ChildProcess | null = null;
  let stopping = false;
  // Until it is first ready, an exit is a failed start (reported by the caller), not one to restart.
  let ready = false;
  let restartTimer: NodeJS.Timeout | null = null;
  // Quick exits one after another double the wait (to a minute), so a crash loop does not flood the log.
  let quickExits = 0;
  let launchedAt = 0;
  // When the platform exits without stopping it (process.exit on a stuck shutdown), it goes too.
  const onPlatformExit = () => signalGroup(current?.pid, "SIGTERM");
  process.on("exit", onPlatformExit);

  const launch = () => {
    const logFd = openSync(spec.log, "a");
    let child: ChildProcess;
    try {
      child = spawn(spec.binary, spec.args, {
        cwd: spec.cwd,
        // None of the platform's environment (database URLs, keys).
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: spec.cwd },
        // Its own group: a Ctrl-C meant for the platform does not kill it before the platform stops it in order.
        detached: true,
        stdio: ["ignore", logFd, logFd],
      });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    child.once("error", (err) => {
      if (ready) spec.notify(`${spec.name} could not be run: ${err.message}`);
    });
    if (child.pid) writeFileSync(spec.pidFile, `${child.pid}\n`, { mode: 0o600 });
    current = child;
    launchedAt = Date.now();
    child.once("exit", (code, signal) => {
      if (current === child) current = null;
      if (stopping || !ready) return;
      quickExits = Date.now() - launchedAt < 60_000 ? quickExits + 1 : 0;
      const delay = Math.min((spec.restartDelayMs ?? 2000) * 2 ** Math.max(0, quickExits - 1), 60_000);
      spec.notify(`${spec.name} exited (${code ?? signal}); restarting it in ${delay} ms (its log: ${spec.log})`);
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopping) launch();
      }, delay);
      restartTimer.unref();
    });
    return child;
  };

  const stop = async () => {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
    const child = current;
    if (child?.pid) await terminate(child.pid, child);
    rmSync(spec.pidFile, { force: true });
    process.off("exit", onPlatformExit);
  };

  const logStart = fileSize(spec.log);
  const first = launch();
  const deadline = Date.now() + spec.startTimeoutMs;
  while (!(await answers(spec.readyUrl))) {
    const gone = first.exitCode !== null || first.signalCode !== null || !first.pid;
    if (gone || Date.now() > deadline) {
      await stop();
      const why = gone
        ? `${spec.name} exited while starting (${first.exitCode ?? first.signalCode ?? "it could not be run"})`
        : `${spec.name} was not ready at ${spec.readyUrl} within ${spec.startTimeoutMs} ms`;
      throw new EmbeddedPrometheusError(`${why}; its log is ${spec.log}:`, readTail(spec.log, logStart));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  ready = true;
  return { pid: () => current?.pid ?? null, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to its group, SIGKILL after 10 s (Prometheus writes its head block out first); resolves once it is gone. */
async function terminate(pid: number, child?: ChildProcess) {
  signalGroup(pid, "SIGTERM");
  const killAt = Date.now() + 10_000;
  const gone = () => (child ? child.exitCode !== null || child.signalCode !== null : !processAlive(pid));
  while (!gone()) {
    if (Date.now() > killAt) signalGroup(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server of this home left running by a platform that was killed: its pid file names it, its command line shows the home. */
export async function stopLeftover(spec: Pick<ChildSpec, "name" | "pidFile" | "marker" | "notify">): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(spec.pidFile, "utf8").trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !processAlive(pid)) return;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return;
  }
  if (!cmdline.includes(spec.marker)) return;
  spec.notify(`stopping the ${spec.name} (pid ${pid}) a previous start left running`);
  await terminate(pid);
}
