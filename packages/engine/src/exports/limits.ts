// How large an export's members may be. The writer holds itself to the defaults too, so this
// platform never produces an archive that another SkyPanel refuses.
import { formatBytes } from "../sources/limits.ts";
import { ExportTooLargeError } from "./errors.ts";
import type { MemberKind } from "./members.ts";

export interface ExportLimits {
  manifestBytes: number;
  configBytes: number;
  artifactBytes: number;
  /** Each add-on dump. */
  dumpBytes: number;
  /** Members of the tar, whatever they are. */
  entries: number;
  /** All members together. */
  totalBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_EXPORT_LIMITS: Readonly<ExportLimits> = Object.freeze({
  manifestBytes: MiB,
  configBytes: MiB,
  artifactBytes: 2 * GiB,
  dumpBytes: 2 * GiB,
  entries: 64,
  totalBytes: 16 * GiB,
});

export function exportLimits(overrides: Partial<ExportLimits> = {}): ExportLimits {
  const limits = { ...DEFAULT_EXPORT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ExportLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Export limit ${key} must be a positive number, got ${value}.`);
    limits[key] = value;
  }
  return limits;
}

const CAP: Record<MemberKind, keyof ExportLimits> = {
  manifest: "manifestBytes",
  config: "configBytes",
  artifact: "artifactBytes",
  dump: "dumpBytes",
};

/** Throws when member `name` of `kind` may not be `bytes` long. */
export function checkMemberSize(limits: ExportLimits, kind: MemberKind, name: string, bytes: number): void {
  const cap = limits[CAP[kind]];
  if (bytes > cap)
    throw new ExportTooLargeError(`${name} is ${formatBytes(bytes)}, more than the ${formatBytes(cap)} this platform accepts for it.`);
}

export function checkTotalSize(limits: ExportLimits, bytes: number): void {
  if (bytes > limits.totalBytes) {
    throw new ExportTooLargeError(`The export holds more than ${formatBytes(limits.totalBytes)} in all, more than this platform accepts.`);
  }
}
