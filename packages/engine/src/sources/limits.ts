// How much a source may expand to on disk, and the running count that enforces it while
// data streams, so a bomb is stopped at the limit rather than after it has filled the disk.
import { SourceTooLargeError, shown } from "./errors.ts";

export interface SourceLimits {
  /** Sum of all file sizes once extracted. */
  maxTotalBytes: number;
  /** Files, directories and links together. */
  maxEntries: number;
  maxFileBytes: number;
  /** Expanded bytes may not exceed this many times the compressed bytes read so far… */
  maxRatio: number;
  /** …once more than this much has been expanded (small archives compress very well). */
  ratioGraceBytes: number;
  /** Length of an entry name or link target, in UTF-8 bytes. */
  maxNameBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_SOURCE_LIMITS: Readonly<SourceLimits> = Object.freeze({
  maxTotalBytes: 1024 * MiB,
  maxEntries: 50_000,
  maxFileBytes: 100 * MiB,
  maxRatio: 200,
  ratioGraceBytes: 4 * MiB,
  maxNameBytes: 4096,
});

export function sourceLimits(overrides: Partial<SourceLimits> = {}): SourceLimits {
  const limits = { ...DEFAULT_SOURCE_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof SourceLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Source limit ${key} must be a positive number, got ${value}.`);
    limits[key] = value;
  }
  return limits;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${+(n / (1024 * MiB)).toFixed(2)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KiB`;
  return `${n} bytes`;
}

/** Running totals for one extraction. Every method throws as soon as a limit is crossed. */
export class SourceBudget {
  entries = 0;
  bytes = 0;
  /** Bytes read from the compressed input, for the ratio check. */
  compressed = 0;
  /** Bytes coming out of the decompressor. */
  expanded = 0;

  constructor(readonly limits: SourceLimits) {}

  /** For formats that announce their entry count up front. */
  checkEntryCount(count: number): void {
    if (count > this.limits.maxEntries) this.tooManyEntries();
  }

  countEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) this.tooManyEntries();
  }

  /** Checks a size announced in a header before any of its data is read. */
  checkDeclaredSize(name: string, size: number): void {
    if (size > this.limits.maxFileBytes) this.fileTooLarge(name);
    if (this.bytes + size > this.limits.maxTotalBytes) this.totalTooLarge();
  }

  addFileBytes(name: string, fileSoFar: number, n: number): void {
    this.bytes += n;
    if (fileSoFar > this.limits.maxFileBytes) this.fileTooLarge(name);
    if (this.bytes > this.limits.maxTotalBytes) this.totalTooLarge();
  }

  /** Counts decompressed bytes: headers and padding too, not only file data. */
  addExpanded(n: number): void {
    this.expanded += n;
    // Headers and padding take at most ~1 KiB an entry; anything far past the file data is junk.
    if (this.expanded > this.limits.maxTotalBytes + 64 * MiB + this.entries * 1024) this.totalTooLarge();
    const { maxRatio, ratioGraceBytes } = this.limits;
    if (this.expanded > ratioGraceBytes && this.expanded > maxRatio * Math.max(this.compressed, 1))
      throw new SourceTooLargeError(
        "maxRatio",
        `The archive expands to more than ${maxRatio} times its compressed size (${formatBytes(this.expanded)} from ${formatBytes(this.compressed)}), which is how compression bombs look.`,
      );
  }

  private tooManyEntries(): never {
    throw new SourceTooLargeError("maxEntries", `The source has more than ${this.limits.maxEntries.toLocaleString("en")} entries.`);
  }

  private fileTooLarge(name: string): never {
    throw new SourceTooLargeError("maxFileBytes", `The file ${shown(name)} is larger than ${formatBytes(this.limits.maxFileBytes)}.`);
  }

  private totalTooLarge(): never {
    throw new SourceTooLargeError("maxTotalBytes", `The source expands to more than ${formatBytes(this.limits.maxTotalBytes)}.`);
  }
}
