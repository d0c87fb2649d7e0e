// A child process's log file, read back to say why it failed: its size now (where a start begins
// reading), and what it wrote since then, the last 2 KiB of it.
import { closeSync, openSync, readSync, statSync } from "node:fs";

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What was logged to `path` since byte `from`, the last 2 KiB of it. */
export function readTail(path: string, from: number): string {
  const size = fileSize(path);
  const start = Math.max(from, size - 2048);
  if (size <= start) return "";
  const buf = Buffer.alloc(size - start);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8").trim();
}
