// What the runtime remembers of an instance on disk, next to its log files, so that a
// restarted control plane can find it again.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InstanceNetwork } from "./network.ts";
import type { RuntimeMode } from "./spec.ts";

export interface InstanceRecord {
  instanceId: string;
  appName: string;
  processType: string;
  mode: Exclude<RuntimeMode, "process">;
  port: number;
  uid: number;
  /** Null until an address pair is claimed. */
  network: InstanceNetwork | null;
  /** The launcher shell on the host: the instance's first process. */
  launcherPid: number | null;
  startedAt: number;
}

export function writeRecord(dir: string, record: InstanceRecord) {
  const file = join(dir, "instance.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
}

export function readRecord(dir: string): InstanceRecord | null {
  try {
    return JSON.parse(readFileSync(join(dir, "instance.json"), "utf8")) as InstanceRecord;
  } catch {
    return null;
  }
}
