// The control database in a backup: PGlite's own data directory dump (one consistent copy, taken
// inside the process that holds it), or pg_dump's custom format (one snapshot) of PostgreSQL.
// A restore fills only an empty target: a fresh PGlite folder, or a database with no tables.
import { existsSync, readdirSync } from "node:fs";
import { type ControlPlaneDb, dumpPgliteDataDir, loadPgliteDataDir } from "@skypanel/db";
import postgres from "postgres";
import { libpqEnv, pgDump } from "../addons/pg-dump.ts";
import { run } from "../process/run.ts";
import { RestoreTargetInUseError } from "./errors.ts";

export type ControlDbSource = ControlPlaneDb["source"];
export type ControlDbDriver = "pglite" | "postgres";

export const controlDbMember = (driver: ControlDbDriver) => (driver === "pglite" ? "control-db.pglite.tar.gz" : "control-db.pgdump");

export async function dumpControlDb(source: ControlDbSource, file: string): Promise<ControlDbDriver> {
  if ("pglite" in source) {
    await dumpPgliteDataDir(source.pglite, file);
    return "pglite";
  }
  await pgDump(source.url, file);
  return "postgres";
}

/** Where a restore puts the control database: a PGlite folder, or an empty PostgreSQL database. */
export type ControlDbTarget = { pgliteDir: string } | { databaseUrl: string };

/** Refuses a target that holds anything; writes nothing. */
export async function checkControlDbTarget(target: ControlDbTarget, driver: ControlDbDriver): Promise<void> {
  if ("pgliteDir" in target) {
    if (driver !== "pglite")
      throw new RestoreTargetInUseError("this backup holds a PostgreSQL control database: give the new one's URL (DATABASE_URL)");
    if (existsSync(target.pgliteDir) && readdirSync(target.pgliteDir).length > 0)
      throw new RestoreTargetInUseError(`${target.pgliteDir} is not empty`);
    return;
  }
  if (driver !== "postgres")
    throw new RestoreTargetInUseError("this backup holds an embedded PGlite control database: restore it without DATABASE_URL");
  const sql = postgres(target.databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'S')`;
    if ((row?.n ?? 0) > 0)
      throw new RestoreTargetInUseError(`the database ${new URL(target.databaseUrl).pathname.slice(1)} already has tables`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function restoreControlDb(target: ControlDbTarget, file: string): Promise<void> {
  if ("pgliteDir" in target) {
    await loadPgliteDataDir(target.pgliteDir, file);
    return;
  }
  // One transaction: a failure leaves the new database as empty as it was.
  const env = libpqEnv(target.databaseUrl);
  const result = await run(
    "pg_restore",
    ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", `--dbname=${env.PGDATABASE}`, file],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...env }, timeoutMs: 60 * 60_000 },
  );
  if (result.code !== 0) throw new Error(`pg_restore of the control database failed: ${result.stderrTail.trim().slice(-2000)}`);
}
