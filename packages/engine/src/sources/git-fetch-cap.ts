// A byte cap on what git brings in: the size of the repository git fetches into, watched while
// git runs (and checked once more after it ends), so a huge or endless pack is stopped at the cap.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export const DEFAULT_MAX_FETCH_BYTES = 1024 * 1024 * 1024;

/** The bytes of every file under `dir` (files vanishing under git's hands count as 0). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += await stat(join(entry.parentPath ?? dir, entry.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}
