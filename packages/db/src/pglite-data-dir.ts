// PGlite's data directory as one file, for platform backups: written from the open database
// (dumpDataDir, consistent because PGlite runs one query at a time) and loaded into a new folder.
import { readFileSync, writeFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";

export async function dumpPgliteDataDir(client: PGlite, file: string): Promise<void> {
  const dump = await client.dumpDataDir("gzip");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
}

/** Fills `dir` (which must be empty) with the dump in `file`. */
export async function loadPgliteDataDir(dir: string, file: string): Promise<void> {
  const db = new PGlite(dir, { loadDataDir: new Blob([readFileSync(file)]) });
  await db.waitReady;
  await db.close();
}
