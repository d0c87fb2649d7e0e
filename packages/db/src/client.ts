import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { beginSafely, connectionOptions } from "./ha.ts";
import { startAutoAnalyze } from "./pglite-analyze.ts";
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
  /** What a platform backup dumps: the embedded PGlite itself, or the server's URL (pg_dump). */
  source: { pglite: PGlite } | { url: string };
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
  // In memory (tests) the tables stay small and a background pass would only add noise.
  const analyze = dir.startsWith("memory://") ? null : startAutoAnalyze(client);
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    sql: runnerFor(client),
    driver: "pglite",
    location: dir,
    source: { pglite: client },
    close: async () => {
      await analyze?.stop();
      await client.close();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<ControlPlaneDb> {
  // postgres.js waits up to 20 s between reconnect attempts once a server has gone (its default
  // backoff), holding every request that long; at most 1 s lets an API call fail fast (a 503) and
  // the pool find the server again within a second of its return.
  const client = postgres(url, {
    max,
    onnotice: () => {},
    ...connectionOptions(url),
    backoff: (attempt) => Math.min(0.05 * 2 ** attempt, 1),
  });
  const begin = beginSafely(client);
  type Tx = Pick<postgres.Sql, "unsafe">;
  const runnerFor = (c: Tx): SqlRunner => ({
    async exec(text) {
      await c.unsafe(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await c.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    },
    transaction: (fn) => begin((tx) => fn(runnerFor(tx))) as Promise<never>,
  });
  // Fail now, with the server's message, rather than at the first request.
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseConnectError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  return {
    // drizzle's transactions go through the same begin (ha.ts: no ROLLBACK on a cut connection).
    db: drizzlePostgres(new Proxy(client, { get: (c, key) => (key === "begin" ? begin : Reflect.get(c, key)) }), {
      schema,
    }) as unknown as Database,
    sql: runnerFor(client),
    driver: "postgres",
    location: redactUrl(url),
    source: { url },
    close: () => client.end({ timeout: 5 }),
  };
}

export function redactUrl(url: string): string {
  // A URL naming several hosts (`h1:5432,h2:5432`, a Patroni cluster) is no WHATWG URL: its password is cut by hand.
  const multiHost = /^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@([^/?]*,[^/?]*)/.exec(url);
  if (multiHost) return url.replace(multiHost[0], `${multiHost[1]}:***@${multiHost[2]}`);
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
