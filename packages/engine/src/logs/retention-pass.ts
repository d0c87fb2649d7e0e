// The retention pass, run by the engine's hourly log upkeep: every app keeps its lines for its
// own days and up to its own bytes (retention.ts), nothing more.
import type { SqlRunner } from "@skypanel/db";
import type { LogRetentionLimits } from "./retention.ts";
import type { LogStore } from "./store.ts";

const DAY_MS = 86_400_000;

export interface RetentionPassResult {
  /** Whole day partitions dropped: no app keeps lines that old. */
  droppedPartitions: string[];
  /** Lines deleted for being older than their app's days. */
  deletedForAge: number;
  /** Lines deleted, oldest first, to bring an app back within its bytes. */
  deletedForSize: number;
}

const counted = async (sql: SqlRunner, statement: string, params: unknown[]) => {
  const [row] = await sql.query<{ n: number }>(`WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`, params);
  return row?.n ?? 0;
};

/**
 * Days first, cheapest first: whole day partitions older than the longest any app keeps are
 * dropped (as before per-app settings); then each app's lines older than its own days are
 * deleted from the partitions that stay. Then bytes: an app whose lines' text is over its budget
 * loses its oldest lines (by id: the order they were written) until the newest fit.
 * Bytes are the lines' text as written (octet_length): what an app wrote is what it is charged
 * for; on disk the stored search words (about 2.5× the text), the row and the indexes come on top.
 */
export async function enforceLogRetention(
  sql: SqlRunner,
  store: LogStore,
  defaults: LogRetentionLimits,
  now = new Date(),
): Promise<RetentionPassResult> {
  const custom = (
    await sql.query<{ app_id: string; days: number; max_bytes: string | number }>("SELECT app_id, days, max_bytes FROM app_log_retention")
  ).map((r) => ({ appId: r.app_id, days: r.days, maxBytes: Number(r.max_bytes) }));
  const longest = Math.max(defaults.days, ...custom.map((c) => c.days));
  const droppedPartitions = await store.dropOlderThan(longest, now);

  const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  let deletedForAge = await counted(
    sql,
    `DELETE FROM app_logs l WHERE l.logged_at < $1::timestamptz
       AND NOT EXISTS (SELECT 1 FROM app_log_retention r WHERE r.app_id = l.app_id)`,
    [cutoff(defaults.days)],
  );
  for (const c of custom) {
    deletedForAge += await counted(sql, "DELETE FROM app_logs WHERE app_id = $1 AND logged_at < $2::timestamptz", [
      c.appId,
      cutoff(c.days),
    ]);
  }

  const budgets = new Map(custom.map((c) => [c.appId, c.maxBytes]));
  const sizes = await sql.query<{ app_id: string; bytes: string | number }>(
    "SELECT app_id, sum(octet_length(line)) AS bytes FROM app_logs GROUP BY app_id",
  );
  let deletedForSize = 0;
  for (const { app_id: appId, bytes } of sizes) {
    const budget = budgets.get(appId) ?? defaults.maxBytes;
    if (Number(bytes) <= budget) continue;
    // The newest line that no longer fits: it and every older line go.
    const [cut] = await sql.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, sum(octet_length(line)) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS newer
         FROM app_logs WHERE app_id = $1
       ) running WHERE newer > $2 ORDER BY id DESC LIMIT 1`,
      [appId, budget],
    );
    if (cut) deletedForSize += await counted(sql, "DELETE FROM app_logs WHERE app_id = $1 AND id <= $2", [appId, cut.id]);
  }
  return { droppedPartitions, deletedForAge, deletedForSize };
}
