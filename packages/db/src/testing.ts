// Test databases: a fresh in-memory PGlite, or a fresh database on the real PostgreSQL server
// (dropped again by `drop`). Tests run against both through `TEST_DRIVERS`.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type ControlPlaneDb, openDatabase } from "./client.ts";
import { migrateUp } from "./migrate.ts";

export type Driver = ControlPlaneDb["driver"];

/** The drivers every db-facing test runs on; `SKYPANEL_TEST_DRIVERS=pglite` narrows it while developing. */
export const TEST_DRIVERS: Driver[] = (process.env.SKYPANEL_TEST_DRIVERS ?? "pglite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter((d): d is Driver => d === "pglite" || d === "postgres");

/** The server fresh test databases are created on (this machine's PostgreSQL 15, trust auth). */
export const TEST_PG_ADMIN_URL = process.env.SKYPANEL_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase extends ControlPlaneDb {
  /** Closes the connection and, for PostgreSQL, drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(driver: Driver, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let conn: ControlPlaneDb;
  let dropDatabase = async () => {};
  if (driver === "pglite") {
    conn = await openDatabase({ pgliteDir: "memory://" });
  } else {
    const name = `skypanel_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${name}`;
    conn = await openDatabase({ databaseUrl: url.toString(), maxConnections: 4 });
    dropDatabase = async () => {
      const a = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (err) {
            // An autovacuum worker in the database (after a test's bulk inserts) belongs to no
            // role the test role is a member of, so FORCE cannot end it (42501): it finishes on
            // its own within moments, then the drop goes through.
            if ((err as { code?: string }).code !== "42501" || attempt >= 20) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await a.end();
      }
    };
  }
  if (options.migrate !== false) await migrateUp(conn.sql);
  return {
    ...conn,
    async drop() {
      await conn.close();
      await dropDatabase();
    },
  };
}
