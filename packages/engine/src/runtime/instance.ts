// The handle on one running instance: its address, its output, stopping it, its end and its usage.
import { readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { cgroupPids, type InstanceCgroup, oomKills } from "./cgroups.ts";
import type { LogLines } from "./logs.ts";
import { type InstanceUsage, readUsage } from "./readings.ts";
import type { RuntimeMode } from "./spec.ts";

/**
 * exited: the process ended by itself (any code); oom-killed: the kernel killed it for using
 * its memory limit; stopped: it ended after stop()'s SIGTERM; killed: it outlived the grace
 * period and got SIGKILL.
 */
export type ExitReason = "exited" | "oom-killed" | "stopped" | "killed";

export interface InstanceExit {
  /** The process's exit code, as far as the sandbox passes it on (nspawn reports a signal death as 255). */
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: ExitReason;
}

export interface Instance {
  readonly instanceId: string;
  readonly appName: string;
  readonly processType: string;
  readonly mode: RuntimeMode;
  /** The instance's first process on the host (the launcher; in process mode, the process itself). */
  readonly pid: number;
  /** Where the router reaches it: the instance's own address, or 127.0.0.1 in process mode. */
  readonly address: string;
  readonly port: number;
  /** `<parent>/<instance id>` in each cgroup hierarchy; null in process mode. */
  readonly cgroup: string | null;
  /** The instance's network namespace and the host end of its veth; null in process mode. */
  readonly network: InstanceNetworkInfo | null;
  /** Lines the process writes, one string each. */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Found by findRunningInstances() rather than started by this control plane. */
  readonly readopted: boolean;
  /** SIGTERM to every process of the instance, SIGKILL to what is left after `graceMs`. */
  stop(graceMs?: number): Promise<InstanceExit>;
  /** Resolves once the instance has ended and its cgroup, network and files are removed. */
  wait(): Promise<InstanceExit>;
  /** Null in process mode and once the instance has ended. */
  usage(): InstanceUsage | null;
}

export interface InstanceNetworkInfo {
  namespace: string;
  hostInterface: string;
  hostAddress: string;
}

export interface LauncherExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface InstanceParts {
  instanceId: string;
  appName: string;
  processType: string;
  mode: RuntimeMode;
  pid: number;
  address: string;
  port: number;
  cg: InstanceCgroup | null;
  network: InstanceNetworkInfo | null;
  startedAt: number;
  readopted: boolean;
  stdout: LogLines;
  stderr: LogLines;
  launcherExit: Promise<LauncherExit>;
  /** Removes the instance's cgroup, network and files; must be idempotent. */
  teardown: () => Promise<void>;
  log: (message: string) => void;
}

const HOST_PID_NS = readlinkSync("/proc/self/ns/pid");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
}

/** Processes inside the sandbox: the app and its children, not the launcher or nspawn on the host side. */
function sandboxedPids(cg: InstanceCgroup): number[] {
  return cgroupPids(cg).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`) !== HOST_PID_NS;
    } catch {
      return false;
    }
  });
}

/** PID 1 of its PID namespace (nspawn's stub init, bwrap): not the app, and deaf to SIGTERM. */
function isNamespaceInit(pid: number): boolean {
  try {
    // "NSpid: <pid on the host> … <pid in its own namespace>"
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "";
    return line.trim().split(/\s+/).at(-1) === "1";
  } catch {
    return false;
  }
}

/** SIGKILL to everything in the cgroup until it is empty (a fork bomb keeps adding, up to pids.max). */
export async function killCgroup(cg: InstanceCgroup) {
  for (let round = 0; round < 400; round++) {
    const pids = cgroupPids(cg);
    if (pids.length === 0) return;
    if (cg.version === 2 && cg.dirs.pids) {
      try {
        writeFileSync(join(cg.dirs.pids, "cgroup.kill"), "1");
      } catch {
        for (const pid of pids) signal(pid, "SIGKILL");
      }
    } else {
      for (const pid of pids) signal(pid, "SIGKILL");
    }
    await sleep(round < 20 ? 10 : 50);
  }
  throw new Error(`processes of cgroup ${cg.name} survive SIGKILL`);
}

export class RunningInstance implements Instance {
  readonly instanceId: string;
  readonly appName: string;
  readonly processType: string;
  readonly mode: RuntimeMode;
  readonly pid: number;
  readonly address: string;
  readonly port: number;
  readonly cgroup: string | null;
  readonly network: InstanceNetworkInfo | null;
  readonly readopted: boolean;
  readonly stdout: LogLines;
  readonly stderr: LogLines;
  private readonly cg: InstanceCgroup | null;
  private readonly ended: Promise<InstanceExit>;
  private done = false;
  private stopping = false;
  private killed = false;
  private lastSample: { at: number; cpuNs: number };

  constructor(private readonly parts: InstanceParts) {
    this.instanceId = parts.instanceId;
    this.appName = parts.appName;
    this.processType = parts.processType;
    this.mode = parts.mode;
    this.pid = parts.pid;
    this.address = parts.address;
    this.port = parts.port;
    this.cg = parts.cg;
    this.cgroup = parts.cg?.name ?? null;
    this.network = parts.network;
    this.readopted = parts.readopted;
    this.stdout = parts.stdout;
    this.stderr = parts.stderr;
    this.lastSample = { at: parts.startedAt, cpuNs: 0 };
    this.ended = this.supervise();
  }

  wait(): Promise<InstanceExit> {
    return this.ended;
  }

  async stop(graceMs = 10_000): Promise<InstanceExit> {
    if (this.done || this.stopping) return this.ended;
    this.stopping = true;
    // Stopped before the sandbox has started the app (a one-off hung up at once): the app gets
    // its SIGTERM as soon as it appears, rather than running on until the SIGKILL.
    if (this.signalAll("SIGTERM") === 0) void this.signalOnceStarted("SIGTERM", graceMs);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = await Promise.race([
      this.ended.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (graceOver && !this.done) {
      this.killed = true;
      await this.killAll();
    }
    return this.ended;
  }

  usage(): InstanceUsage | null {
    if (!this.cg || this.done) return null;
    const reading = readUsage(this.cg, this.network?.hostInterface ?? null, this.lastSample);
    this.lastSample = { at: reading.at, cpuNs: reading.cpu.usageNs };
    return reading;
  }

  /** Signals every process of the app; returns how many there were. */
  private signalAll(sig: NodeJS.Signals): number {
    // The sandbox's own init (PID 1 inside) ignores it; the app and its children get it, as on a dyno.
    if (!this.cg) {
      signal(-this.pid, sig);
      return 1;
    }
    const pids = sandboxedPids(this.cg);
    for (const pid of pids) signal(pid, sig);
    return pids.filter((pid) => !isNamespaceInit(pid)).length;
  }

  private async signalOnceStarted(sig: NodeJS.Signals, withinMs: number) {
    const until = Date.now() + withinMs;
    while (!this.done && Date.now() < until) {
      await sleep(50);
      if (!this.done && this.signalAll(sig) > 0) return;
    }
  }

  private async killAll() {
    if (this.cg) await killCgroup(this.cg);
    else signal(-this.pid, "SIGKILL");
  }

  private async supervise(): Promise<InstanceExit> {
    const launcher = await this.parts.launcherExit;
    // Whatever the sandbox left behind (it should be nothing) goes too.
    if (this.cg) await this.killAll().catch((err) => this.parts.log(String(err)));
    else signal(-this.pid, "SIGKILL");
    const oomKilled = this.cg !== null && oomKills(this.cg) > 0;
    this.done = true;
    this.stdout.finish();
    this.stderr.finish();
    await this.parts.teardown().catch((err) => this.parts.log(`cleaning up ${this.instanceId} failed: ${err}`));
    const reason: ExitReason = oomKilled ? "oom-killed" : this.killed ? "killed" : this.stopping ? "stopped" : "exited";
    return { code: launcher.code, signal: launcher.signal, reason };
  }
}
