import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SqlRunner } from "./client.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
  checksum: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  applied: boolean;
  appliedAt: Date | null;
}

export class MigrationError extends Error {
  readonly code = "MIGRATION_FAILED";
}

// Any number works, as long as every control plane uses the same one.
const LOCK_ID = 7_317_001;

/** Reads the journal and the SQL files it names, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(`${dir}/journal.json`, "utf8")) as {
    migrations: { version: number; name: string }[];
  };
  return journal.migrations.map(({ version, name }, i) => {
    if (version !== i + 1) throw new MigrationError(`journal.json: migration ${name} should be version ${i + 1}`);
    const up = readFileSync(`${dir}/${name}.up.sql`, "utf8");
    const down = readFileSync(`${dir}/${name}.down.sql`, "utf8");
    return { version, name, up, down, checksum: createHash("sha256").update(up).digest("hex") };
  });
}

async function ensureTable(sql: SqlRunner) {
  await sql.exec(`CREATE TABLE IF NOT EXISTS skypanel_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function applied(sql: SqlRunner) {
  return sql.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
    "SELECT version, name, checksum, applied_at FROM skypanel_migrations ORDER BY version",
  );
}

export async function migrationStatus(sql: SqlRunner, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  await ensureTable(sql);
  const done = new Map((await applied(sql)).map((r) => [r.version, r]));
  return migrations.map((m) => ({
    version: m.version,
    name: m.name,
    applied: done.has(m.version),
    appliedAt: done.get(m.version)?.applied_at ?? null,
  }));
}

/**
 * Applies every pending migration, each in its own transaction. Refuses to continue when an
 * applied migration's file has changed since, because the database would no longer match it.
 * Returns the versions it applied.
 */
export async function migrateUp(sql: SqlRunner, migrations = loadMigrations()): Promise<number[]> {
  await ensureTable(sql);
  const ran: number[] = [];
  for (const m of migrations) {
    const didRun = await sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
      const rows = await tx.query<{ checksum: string }>("SELECT checksum FROM skypanel_migrations WHERE version = $1", [m.version]);
      if (rows[0]) {
        if (rows[0].checksum !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      await runStep(tx, m.up, `${m.name}.up.sql`);
      await tx.query("INSERT INTO skypanel_migrations (version, name, checksum) VALUES ($1, $2, $3)", [m.version, m.name, m.checksum]);
      return true;
    });
    if (didRun) ran.push(m.version);
  }
  return ran;
}

/** Reverts applied migrations above `target` (0 reverts all), newest first. Returns the versions reverted. */
export async function migrateDown(sql: SqlRunner, target: number, migrations = loadMigrations()): Promise<number[]> {
  await ensureTable(sql);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const reverted: number[] = [];
  for (const row of (await applied(sql)).reverse()) {
    if (row.version <= target) break;
    const m = byVersion.get(row.version);
    if (!m) throw new MigrationError(`migration ${row.version} (${row.name}) is applied but not in the journal`);
    await sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
      await runStep(tx, m.down, `${m.name}.down.sql`);
      await tx.query("DELETE FROM skypanel_migrations WHERE version = $1", [m.version]);
    });
    reverted.push(m.version);
  }
  return reverted;
}

async function runStep(tx: SqlRunner, text: string, file: string) {
  try {
    await tx.exec(text);
  } catch (err) {
    throw new MigrationError(`${file} failed: ${(err as Error).message}`, { cause: err });
  }
}
