import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { auditLog } from "../schema/index.ts";

/** Events that are not row changes (logins, failed logins, the router's trouble); row changes come from triggers. */
export async function insertAuditEvent(
  db: Database,
  values: {
    actorId: string | null;
    /** Set for an event that belongs in an app's activity. */
    appId?: string | null;
    teamId?: string | null;
    action: string;
    targetType: string;
    targetId?: string | null;
    details?: Record<string, unknown>;
    ip?: string | null;
  },
) {
  // seq, prevHash and hash are filled in by the chain trigger (0023).
  await db.insert(auditLog).values({ ...values, details: values.details ?? {} });
}

export async function listAuditEntries(db: Database, p: { appId?: string; teamId?: string; before?: number; limit: number }) {
  const filters: SQL[] = [];
  if (p.appId) filters.push(eq(auditLog.appId, p.appId));
  if (p.teamId) filters.push(eq(auditLog.teamId, p.teamId));
  if (p.before) filters.push(lt(auditLog.id, p.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.id))
    .limit(p.limit);
}

/** Entries written in [since, until), in chain order; one more than `limit` is asked for to tell a cut-off export. */
export async function exportAuditEntries(db: Database, p: { since?: Date; until?: Date; limit: number }) {
  const filters: SQL[] = [];
  if (p.since) filters.push(gte(auditLog.createdAt, p.since));
  if (p.until) filters.push(lt(auditLog.createdAt, p.until));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(asc(auditLog.seq))
    .limit(p.limit + 1);
  return { entries: rows.slice(0, p.limit), truncated: rows.length > p.limit };
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);

export type AuditChainBreak = "hash mismatch" | "broken link (a row before it was deleted)";

export interface AuditChainCheck {
  ok: boolean;
  /** Rows checked (every row kept). */
  checked: number;
  /** The first row, in chain order, that does not fit. */
  firstBad?: { id: number; seq: number; reason: AuditChainBreak };
  /** Where the check started: retention's newest anchor (the last row it deleted), if any. */
  anchor?: { seq: number; hash: string };
}

/**
 * Recomputes every row's hash with the same SQL function the chain trigger used, and checks that
 * each row links to the one before it (the anchor for the first row kept): the next seq, and
 * prev_hash equal to that row's hash. One statement, so one consistent snapshot of the log.
 * A row changed in place fails its own hash; a row deleted breaks the link of the row after it.
 * (A deleted *last* row leaves no trace in the chain itself.)
 */
export async function verifyAuditChain(db: Database): Promise<AuditChainCheck> {
  const [row] = rowsOf<{
    checked: string | number;
    anchor_seq: string | number | null;
    anchor_hash: string | null;
    id: string | number | null;
    seq: string | number | null;
    reason: string | null;
  }>(
    await db.execute(sql`
      WITH anchor AS (SELECT seq, hash FROM audit_log_anchors ORDER BY seq DESC LIMIT 1),
      chain AS (
        SELECT a.id, a.seq, a.prev_hash, a.hash, skypanel_audit_row_hash(a) AS expected,
               lag(a.seq) OVER w AS before_seq, lag(a.hash) OVER w AS before_hash
          FROM audit_log a
        WINDOW w AS (ORDER BY a.seq)
      ),
      judged AS (
        SELECT c.id, c.seq,
               CASE
                 WHEN c.hash IS DISTINCT FROM c.expected THEN 'hash mismatch'
                 WHEN c.before_seq IS NULL
                   AND (c.seq <> coalesce((SELECT seq FROM anchor), 0) + 1
                        OR c.prev_hash IS DISTINCT FROM (SELECT hash FROM anchor))
                   THEN 'broken link (a row before it was deleted)'
                 WHEN c.before_seq IS NOT NULL
                   AND (c.seq <> c.before_seq + 1 OR c.prev_hash IS DISTINCT FROM c.before_hash)
                   THEN 'broken link (a row before it was deleted)'
               END AS reason
          FROM chain c
      ),
      first_bad AS (SELECT id, seq, reason FROM judged WHERE reason IS NOT NULL ORDER BY seq LIMIT 1)
      SELECT (SELECT count(*) FROM chain)::text AS checked,
             (SELECT seq FROM anchor)::text AS anchor_seq, (SELECT hash FROM anchor) AS anchor_hash,
             f.id::text AS id, f.seq::text AS seq, f.reason
        FROM (SELECT 1) one LEFT JOIN first_bad f ON true`),
  );
  const result: AuditChainCheck = { ok: !row?.reason, checked: Number(row?.checked ?? 0) };
  if (row?.reason) result.firstBad = { id: Number(row.id), seq: Number(row.seq), reason: row.reason as AuditChainBreak };
  if (row?.anchor_seq != null && row.anchor_hash) result.anchor = { seq: Number(row.anchor_seq), hash: row.anchor_hash };
  return result;
}

/**
 * Deletes the head of the chain up to the first row written at or after `cutoff` and records the
 * anchor (skypanel_audit_sweep in 0023, the only deleter the append-only trigger lets through).
 */
export async function sweepAuditLog(db: Database, cutoff: Date): Promise<number> {
  const [row] = rowsOf<{ deleted: string | number }>(
    await db.execute(sql`SELECT skypanel_audit_sweep(${cutoff.toISOString()}::timestamptz)::text AS deleted`),
  );
  return Number(row?.deleted ?? 0);
}
