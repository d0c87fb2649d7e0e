// An app's log drains (0017). The counters only ever grow by what a delivery adds, so several
// control planes (or a restart) never overwrite each other's counts.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { logDrains } from "../schema/index.ts";

export async function listLogDrains(db: Database, appId: string) {
  return db.select().from(logDrains).where(eq(logDrains.appId, appId)).orderBy(asc(logDrains.createdAt), asc(logDrains.id));
}

export async function insertLogDrain(db: Database, values: typeof logDrains.$inferInsert) {
  const [row] = await db.insert(logDrains).values(values).returning();
  if (!row) throw new Error("insert into log_drains returned nothing");
  return row;
}

export async function deleteLogDrain(db: Database, appId: string, id: string) {
  const [row] = await db
    .delete(logDrains)
    .where(and(eq(logDrains.appId, appId), eq(logDrains.id, id)))
    .returning({ id: logDrains.id, redactedUrl: logDrains.redactedUrl });
  return row ?? null;
}

/** What deliveries since the last report added: counts to add, and the newest error and success. */
export interface LogDrainProgress {
  delivered: number;
  deadLettered: number;
  dropped: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastDeliveredAt: Date | null;
}

export async function addLogDrainProgress(db: Database, id: string, p: LogDrainProgress) {
  await db
    .update(logDrains)
    .set({
      deliveredCount: sql`${logDrains.deliveredCount} + ${p.delivered}`,
      deadLetterCount: sql`${logDrains.deadLetterCount} + ${p.deadLettered}`,
      droppedCount: sql`${logDrains.droppedCount} + ${p.dropped}`,
      ...(p.lastError !== null ? { lastError: p.lastError, lastErrorAt: p.lastErrorAt } : {}),
      ...(p.lastDeliveredAt !== null ? { lastDeliveredAt: p.lastDeliveredAt } : {}),
    })
    .where(eq(logDrains.id, id));
}

/**
 * The instance's number among its app's instances of the same process type (`web.1`, `web.2`),
 * counted in the order they were made, as `ps` shows them; null for an unknown instance.
 */
export async function instanceNumber(db: Database, instanceId: string): Promise<number | null> {
  const rows = await db.execute<{ n: string | number }>(sql`
    SELECT count(*) AS n FROM instances other JOIN instances me ON me.id = ${instanceId}::uuid
    WHERE other.app_id = me.app_id AND other.process_type = me.process_type
      AND (other.status IN ('starting', 'running') OR other.id = me.id)
      AND (other.created_at, other.id) <= (me.created_at, me.id)`);
  const n = Number(((rows as { rows?: { n: string | number }[] }).rows ?? (rows as unknown as { n: string | number }[]))[0]?.n ?? 0);
  return n > 0 ? n : null;
}

/** Every drain's sealed URL, for a key rotation. */
export async function listAllLogDrains(db: Database) {
  return db.select().from(logDrains);
}

export async function updateLogDrainUrl(db: Database, id: string, sealed: { url: Uint8Array; urlNonce: Uint8Array; urlKeyId: string }) {
  await db.update(logDrains).set(sealed).where(eq(logDrains.id, id));
}
