// A highly available control database (PostgreSQL under Patroni, README "Highly available control
// database"): DATABASE_URL names every host, `postgres://u:p@h1:5432,h2:5432/db?target_session_attrs=read-write`,
// and each new connection goes to the one that takes writes. A connection cut by a failover fails
// the queries it carried: their outcome is unknown, so the driver never sends them again (the API
// answers 503); only writes that are safe to repeat are retried, by `retryWhileUnreachable`. The
// next query connects to the new primary by itself.
import type postgres from "postgres";

// A host that does not answer (a dead machine drops packets) is given up on after this long.
const CONNECT_TIMEOUT_SECONDS = 5;

/** postgres.js options for `url`: the connect timeout, and which hosts of several it accepts. */
export function connectionOptions(url: string): { connect_timeout: number; target_session_attrs?: "primary" } {
  const attrs = /[?&]target_session_attrs=([^&]*)/.exec(url)?.[1];
  // postgres.js 3.4 judges `read-write` by default_transaction_read_only, which a PostgreSQL 14+
  // hot standby reports as off: it would keep a connection to the standby, where every write
  // fails. `primary` (not in recovery) is what read-write means for a Patroni cluster.
  return { connect_timeout: CONNECT_TIMEOUT_SECONDS, ...(attrs === "read-write" ? { target_session_attrs: "primary" as const } : {}) };
}

// postgres.js's codes for a connection that could not be made or was cut, the socket's, and
// PostgreSQL's classes 08 (connection exception) and 57P (shut down, starting up, crashed).
const UNREACHABLE_CODES = new Set([
  // DatabaseConnectError: the first connection could not be made.
  "DATABASE_UNREACHABLE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
]);

/** Whether `err` (or what it wraps: drizzle's query error, a socket's AggregateError) says the database is out of reach. */
export function isConnectionLost(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || /^(08|57P)/.test(code))) return true;
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.some((e) => isConnectionLost(e, depth + 1))) return true;
  return isConnectionLost((err as { cause?: unknown }).cause, depth + 1);
}

/** How long background work waits out a failover before giving up (a Patroni failover takes about its ttl). */
export const FAILOVER_WAIT_MS = 60_000;

/**
 * Runs `write` again while the database is out of reach, for up to `forMs`. Only for writes that
 * are safe to repeat (an UPDATE setting fixed values): one cut in flight may already have committed.
 */
export async function retryWhileUnreachable<T>(write: () => Promise<T>, forMs = FAILOVER_WAIT_MS): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isConnectionLost(err) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
    }
  }
}

/**
 * `sql.begin` that issues no ROLLBACK on a connection already cut: postgres.js 3.4.9 would write it
 * to a socket it has dropped and crash the process (porsager/postgres#1154, #1208). The server
 * rolls the transaction back itself when the connection dies, and `begin` has already failed with
 * the connection's error by then; the callback's failure is left unsettled so nothing more is sent.
 * (A query sent on such a connection had the same crash: scripts/patch-postgres.mjs mends that.)
 */
export function beginSafely(client: postgres.Sql): postgres.Sql["begin"] {
  return ((...args: unknown[]) => {
    const fn = args.pop() as (tx: postgres.TransactionSql) => unknown;
    let settled = false;
    const outcome = (client.begin as (...a: unknown[]) => Promise<unknown>)(...args, async (tx: postgres.TransactionSql) => {
      try {
        return await fn(tx);
      } catch (err) {
        if (isConnectionLost(err)) {
          // The connection's close fails `begin` soon (CI saw it take over a second on a loaded
          // machine, and a ROLLBACK sent then crashed the process); one that stays open gets its
          // ROLLBACK after 10 s.
          for (let i = 0; i < 200 && !settled; i++) await new Promise((r) => setTimeout(r, 50));
          if (settled) await new Promise(() => {});
        }
        throw err;
      }
    });
    outcome.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    return outcome;
  }) as postgres.Sql["begin"];
}
