// What an instance uses, read from its cgroup and its host-side veth.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { InstanceCgroup } from "./cgroups.ts";

export interface InstanceUsage {
  /** When the reading was taken (ms since the epoch). */
  at: number;
  /** CPU time used since the start, and the share of one core used since the previous reading (100 = a full core). */
  cpu: { usageNs: number; percent: number };
  memory: { currentBytes: number; peakBytes: number | null; limitBytes: number | null };
  pids: { current: number; max: number | null };
  io: { readBytes: number; writeBytes: number };
  /** From the instance's point of view (rx: bytes it received). Null without a network namespace. */
  network: { rxBytes: number; txBytes: number } | null;
}

function readText(dir: string | undefined, file: string): string | null {
  if (!dir) return null;
  try {
    return readFileSync(join(dir, file), "utf8");
  } catch {
    return null;
  }
}

function readNumber(dir: string | undefined, file: string): number | null {
  const text = readText(dir, file)?.trim();
  if (!text || text === "max") return null;
  const value = Number(text);
  // v1 writes "no limit" as a page-rounded 2^63.
  return Number.isFinite(value) && value < 2 ** 62 ? value : null;
}

/** Sums per-device byte counts: v1 "8:0 Read 4096" lines, v2 "8:0 rbytes=4096 wbytes=0 …" lines. */
function ioBytes(cg: InstanceCgroup): { readBytes: number; writeBytes: number } {
  const totals = { readBytes: 0, writeBytes: 0 };
  if (cg.version === 2) {
    for (const line of (readText(cg.dirs.io, "io.stat") ?? "").split("\n")) {
      totals.readBytes += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
      totals.writeBytes += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
    return totals;
  }
  for (const line of (readText(cg.dirs.io, "blkio.throttle.io_service_bytes_recursive") ?? "").split("\n")) {
    const [device, op, value] = line.split(" ");
    if (!device?.includes(":") || !value) continue;
    if (op === "Read") totals.readBytes += Number(value);
    if (op === "Write") totals.writeBytes += Number(value);
  }
  return totals;
}

function cpuUsageNs(cg: InstanceCgroup): number {
  if (cg.version === 2) return Number(/^usage_usec (\d+)$/m.exec(readText(cg.dirs.cpu, "cpu.stat") ?? "")?.[1] ?? 0) * 1000;
  return readNumber(cg.dirs.cpuacct, "cpuacct.usage") ?? 0;
}

/** The host end's counters, swapped: what the host sent, the instance received. */
export function vethCounters(hostInterface: string): { rxBytes: number; txBytes: number } | null {
  const stat = (name: string) => readNumber(`/sys/class/net/${hostInterface}/statistics`, name);
  const hostRx = stat("rx_bytes");
  const hostTx = stat("tx_bytes");
  return hostRx === null || hostTx === null ? null : { rxBytes: hostTx, txBytes: hostRx };
}

/** A reading; `previous` (or the start) is what the CPU percentage is measured against. */
export function readUsage(cg: InstanceCgroup, hostInterface: string | null, previous: { at: number; cpuNs: number }): InstanceUsage {
  const at = Date.now();
  const usageNs = cpuUsageNs(cg);
  const elapsedNs = Math.max(1, (at - previous.at) * 1e6);
  const v2 = cg.version === 2;
  return {
    at,
    cpu: { usageNs, percent: Math.max(0, ((usageNs - previous.cpuNs) / elapsedNs) * 100) },
    memory: {
      currentBytes: readNumber(cg.dirs.memory, v2 ? "memory.current" : "memory.usage_in_bytes") ?? 0,
      peakBytes: readNumber(cg.dirs.memory, v2 ? "memory.peak" : "memory.max_usage_in_bytes"),
      limitBytes: readNumber(cg.dirs.memory, v2 ? "memory.max" : "memory.limit_in_bytes"),
    },
    pids: { current: readNumber(cg.dirs.pids, "pids.current") ?? 0, max: readNumber(cg.dirs.pids, "pids.max") },
    io: ioBytes(cg),
    network: hostInterface ? vethCounters(hostInterface) : null,
  };
}
