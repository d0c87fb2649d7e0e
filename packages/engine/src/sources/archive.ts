// extractArchive: an uploaded .tar.gz, .tar or .zip becomes a directory, or nothing at all.
import { open } from "node:fs/promises";
import { EngineError } from "../errors.ts";
import { CorruptArchiveError, NotAnArchiveError } from "./errors.ts";
import { SourceBudget, type SourceLimits, sourceLimits } from "./limits.ts";
import { isTarHeader, readTar } from "./tar.ts";
import { type ExtractResult, TreeWriter } from "./tree-writer.ts";
import { readZip } from "./zip.ts";

export type ArchiveFormat = "tar.gz" | "tar" | "zip";

/** The format from the first bytes; the file name is never trusted. */
export async function sniffArchive(archivePath: string): Promise<ArchiveFormat> {
  const file = await open(archivePath, "r");
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await file.read(head, 0, 512, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) return "tar.gz";
    if (bytes.length >= 4 && bytes.toString("latin1", 0, 4) === "PK\x03\x04") return "zip";
    if (bytes.length >= 4 && bytes.toString("latin1", 0, 4) === "PK\x05\x06") return "zip"; // an empty zip
    if (isTarHeader(bytes)) return "tar";
    throw new NotAnArchiveError(bytes.length === 0 ? "the file is empty" : "");
  } finally {
    await file.close();
  }
}

/**
 * Extracts the archive at `archivePath` into `destDir` (which must be missing or empty).
 * Every entry is checked: no absolute paths, `..`, NUL, drive letters or backslashes; no
 * devices or FIFOs; symlinks only to places inside the tree; hard links only to files
 * already extracted; sizes, entry count and compression ratio within `limits`. On any
 * failure nothing is left in `destDir`. A single top-level directory (GitHub's `repo-main/`)
 * is removed and reported as `strippedPrefix`.
 */
export async function extractArchive(archivePath: string, destDir: string, limits: Partial<SourceLimits> = {}): Promise<ExtractResult> {
  const budget = new SourceBudget(sourceLimits(limits));
  const format = await sniffArchive(archivePath);
  const tree = await TreeWriter.open(destDir, budget);
  try {
    if (format === "zip") await readZip(archivePath, tree, budget);
    else await readTar(archivePath, format === "tar.gz", tree, budget);
    return await tree.commit();
  } catch (err) {
    await tree.discard();
    throw asArchiveError(err);
  }
}

/**
 * Parser and decompressor failures become CorruptArchiveError; the engine's own errors pass
 * through, and so do system errors (a full disk is the platform's problem, not the upload's).
 */
function asArchiveError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  if (err instanceof Error && "syscall" in err) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CorruptArchiveError(message.replace(/[.\s]+$/, "") || "unreadable data");
}
