import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. A transaction is one too. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** Raw SQL access used by the migrator and tests; same behaviour on both drivers. */
export interface SqlRunner {
  /** Runs one or more statements with no parameters. */
  exec(text: string): Promise<void>;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

export class DatabaseConnectError extends Error {
  readonly code = "DATABASE_UNREACHABLE";
}

export interface ControlPlaneDb {
  db: Database;
  sql: SqlRunner;
  driver: "pglite" | "postgres";
  /** Where the data lives, for messages: a PGlite directory or the server URL without password. */
  location: string;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Directory for PGlite's files; "memory://" keeps it in memory (tests). */
  pgliteDir?: string;
  /** Largest number of pooled PostgreSQL connections. */
  maxConnections?: number;
}

/** `DATABASE_URL` set → PostgreSQL through postgres.js; unset → embedded PGlite in `home`. */
export function dbOptionsFromEnv(env: NodeJS.ProcessEnv, home: string): DbOptions {
  return { databaseUrl: env.DATABASE_URL || undefined, pgliteDir: join(home, "pgdata") };
}

export async function openDatabase(options: DbOptions): Promise<ControlPlaneDb> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections ?? 10)
    : openPglite(options.pgliteDir ?? "memory://");
}

async function openPglite(dir: string): Promise<ControlPlaneDb> {
  if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  const runnerFor = (c: Pick<PGlite, "exec" | "query">): SqlRunner => ({
    async exec(text) {
      await c.exec(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await c.query<T>(text, params)).rows;
    },
    transaction: (fn) => client.transaction((tx) => fn(runnerFor(tx))),
  });
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    sql: runnerFor(client),
    driver: "pglite",
    location: dir,
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number): Promise<ControlPlaneDb> {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  type Tx = Pick<postgres.Sql, "unsafe">;
  const runnerFor = (c: Tx): SqlRunner => ({
    async exec(text) {
      await c.unsafe(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await c.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    },
    transaction: (fn) => client.begin((tx) => fn(runnerFor(tx))) as Promise<never>,
  });
  // Fail now, with the server's message, rather than at the first request.
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseConnectError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return {
    db: drizzlePostgres(client, { schema }) as unknown as Database,
    sql: runnerFor(client),
    driver: "postgres",
    location: redactUrl(url),
    close: () => client.end({ timeout: 5 }),
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
