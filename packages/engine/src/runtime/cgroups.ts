// One cgroup per instance, with its limits: under each cgroup v1 controller it needs, or one
// directory of the unified (v2) hierarchy when the host has one with controllers.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type InstanceLimits, RuntimeUnavailableError } from "./spec.ts";

type Controller = "memory" | "cpu" | "cpuacct" | "pids" | "io";

export interface CgroupHost {
  version: 1 | 2;
  /** v2: the unified root. v1: each controller's mount point (blkio is "io"). */
  roots: Partial<Record<Controller, string>>;
}

export interface InstanceCgroup {
  version: 1 | 2;
  /** `<parent>/<instance id>`: the same relative name in every hierarchy. */
  name: string;
  dirs: Partial<Record<Controller, string>>;
}

const V1_NAMES: Record<string, Controller> = { memory: "memory", cpu: "cpu", cpuacct: "cpuacct", pids: "pids", blkio: "io" };
const REQUIRED: Controller[] = ["memory", "cpu", "cpuacct", "pids"];
const CFS_PERIOD_US = 100_000;

/** v2 when `<root>/cgroup.controllers` lists memory, cpu and pids; else the v1 mounts. */
export function detectCgroupHost(root = "/sys/fs/cgroup", mountinfo = "/proc/self/mountinfo"): CgroupHost {
  const controllersFile = join(root, "cgroup.controllers");
  if (existsSync(controllersFile)) {
    const available = readFileSync(controllersFile, "utf8").trim().split(/\s+/);
    const missing = ["memory", "cpu", "pids"].filter((c) => !available.includes(c));
    if (missing.length > 0) throw new RuntimeUnavailableError(`cgroup v2 at ${root} lacks the ${missing.join(", ")} controller(s).`);
    const roots: CgroupHost["roots"] = { memory: root, cpu: root, cpuacct: root, pids: root };
    if (available.includes("io")) roots.io = root;
    return { version: 2, roots };
  }
  const roots: CgroupHost["roots"] = {};
  for (const line of readFileSync(mountinfo, "utf8").split("\n")) {
    // "<id> <parent> <dev> <root> <mount point> <opts> [optional…] - <fstype> <source> <super opts>"
    const [before, after] = line.split(" - ");
    const [fstype, , superOpts] = after?.split(" ") ?? [];
    if (fstype !== "cgroup" || !before || !superOpts) continue;
    const mountPoint = before.split(" ")[4];
    if (!mountPoint?.startsWith(root)) continue;
    for (const opt of superOpts.split(",")) {
      const controller = V1_NAMES[opt];
      if (controller && !roots[controller]) roots[controller] = mountPoint;
    }
  }
  const missing = REQUIRED.filter((c) => !roots[c]);
  if (missing.length > 0) throw new RuntimeUnavailableError(`No cgroup hierarchy for ${missing.join(", ")} under ${root}.`);
  return { version: 1, roots };
}

export function instanceCgroup(host: CgroupHost, parent: string, instanceId: string): InstanceCgroup {
  const name = `${parent}/${instanceId}`;
  const dirs: InstanceCgroup["dirs"] = {};
  for (const [controller, root] of Object.entries(host.roots)) dirs[controller as Controller] = join(root, name);
  return { version: host.version, name, dirs };
}

/** Each distinct directory once (v2 has one; co-mounted v1 controllers share theirs). */
export function cgroupDirs(cg: InstanceCgroup): string[] {
  return [...new Set(Object.values(cg.dirs))];
}

/** The files the launcher writes its pid into, so it and all it starts are counted. */
export function procsFiles(cg: InstanceCgroup): string[] {
  return cgroupDirs(cg).map((dir) => join(dir, "cgroup.procs"));
}

function write(dir: string | undefined, file: string, value: string | number) {
  if (dir) writeFileSync(join(dir, file), String(value));
}

function writeIfPresent(dir: string | undefined, file: string, value: string | number): boolean {
  if (!dir || !existsSync(join(dir, file))) return false;
  write(dir, file, value);
  return true;
}

function enableV2Controllers(root: string, parent: string) {
  const wanted = readFileSync(join(root, "cgroup.controllers"), "utf8")
    .trim()
    .split(/\s+/)
    .filter((c) => ["memory", "cpu", "pids", "io"].includes(c));
  const line = wanted.map((c) => `+${c}`).join(" ");
  write(root, "cgroup.subtree_control", line);
  write(join(root, parent), "cgroup.subtree_control", line);
}

export function createCgroup(host: CgroupHost, cg: InstanceCgroup, limits: InstanceLimits) {
  const parent = cg.name.slice(0, cg.name.lastIndexOf("/"));
  for (const root of new Set(Object.values(host.roots))) mkdirSync(join(root, parent), { recursive: true });
  if (cg.version === 2 && host.roots.memory) enableV2Controllers(host.roots.memory, parent);
  // mkdir without `recursive` fails on a leftover of the same id instead of adopting it.
  for (const dir of cgroupDirs(cg)) mkdirSync(dir);
  const quota = Math.max(1000, Math.round(limits.cpuQuota * CFS_PERIOD_US));
  if (cg.version === 2) {
    write(cg.dirs.memory, "memory.max", limits.memoryBytes);
    writeIfPresent(cg.dirs.memory, "memory.swap.max", 0);
    // An OOM kill takes the whole instance, as it would a dyno, instead of one of its processes.
    writeIfPresent(cg.dirs.memory, "memory.oom.group", 1);
    write(cg.dirs.cpu, "cpu.max", `${quota} ${CFS_PERIOD_US}`);
    write(cg.dirs.pids, "pids.max", limits.maxProcs);
    writeIfPresent(cg.dirs.io, "io.weight", `default ${limits.ioWeight}`) ||
      writeIfPresent(cg.dirs.io, "io.bfq.weight", `default ${clamp(limits.ioWeight, 1, 1000)}`);
    return;
  }
  write(cg.dirs.memory, "memory.limit_in_bytes", limits.memoryBytes);
  // Without swap accounting the file is absent; with it, memory+swap gets the same cap (no swapping past the limit).
  writeIfPresent(cg.dirs.memory, "memory.memsw.limit_in_bytes", limits.memoryBytes);
  write(cg.dirs.cpu, "cpu.cfs_period_us", CFS_PERIOD_US);
  write(cg.dirs.cpu, "cpu.cfs_quota_us", quota);
  write(cg.dirs.pids, "pids.max", limits.maxProcs);
  // BFQ's weight has v2's default (100) and range up to 1000; CFQ's legacy weight defaults to 500.
  writeIfPresent(cg.dirs.io, "blkio.bfq.weight", clamp(limits.ioWeight, 1, 1000)) ||
    writeIfPresent(cg.dirs.io, "blkio.weight", clamp(limits.ioWeight * 5, 10, 1000));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Host pids of every process in the instance (empty once it is gone). */
export function cgroupPids(cg: InstanceCgroup): number[] {
  try {
    return readFileSync(join(cg.dirs.pids ?? "", "cgroup.procs"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** OOM kills inside the instance since it started. */
export function oomKills(cg: InstanceCgroup): number {
  const file = cg.version === 2 ? "memory.events" : "memory.oom_control";
  try {
    const text = readFileSync(join(cg.dirs.memory ?? "", file), "utf8");
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Removes the instance's directories; their processes must be gone. */
export async function removeCgroup(cg: InstanceCgroup) {
  for (const dir of cgroupDirs(cg)) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(dir);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        // EBUSY while the last exiting task is still being torn down.
        if (code !== "EBUSY" || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}
