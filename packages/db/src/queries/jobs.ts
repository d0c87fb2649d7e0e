import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type Job, jobs } from "../schema/index.ts";

export async function insertJob(db: Database, values: { kind: string; payload: Record<string, unknown>; maxAttempts?: number }) {
  const [row] = await db.insert(jobs).values(values).returning();
  if (!row) throw new Error("insert into jobs returned nothing");
  return row;
}

/**
 * Takes the oldest queued job of the given kinds for `workerId`. SKIP LOCKED lets several
 * control planes share one queue on PostgreSQL without taking the same job twice.
 */
export async function claimJob(db: Database, workerId: string, kinds: string[]): Promise<Job | null> {
  const result = await db.execute(sql`
    UPDATE jobs SET status = 'running', locked_by = ${workerId}, locked_at = now(), heartbeat_at = now(),
                    attempts = attempts + 1, updated_at = now()
    WHERE id = (
      SELECT id FROM jobs
      WHERE status = 'queued' AND run_at <= now() AND kind IN (${sql.join(
        kinds.map((k) => sql`${k}`),
        sql`, `,
      )})
      ORDER BY created_at
      FOR UPDATE SKIP LOCKED
      LIMIT 1
    )
    RETURNING id`);
  const rows = (result as unknown as { rows?: { id: string }[] }).rows ?? (result as unknown as { id: string }[]);
  const id = rows[0]?.id;
  if (!id) return null;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  return job ?? null;
}

export async function finishJob(
  db: Database,
  id: string,
  status: "succeeded" | "failed" | "cancelled",
  outcome: { result?: unknown; error?: string },
) {
  await db
    .update(jobs)
    .set({ status, result: outcome.result ?? null, error: outcome.error ?? null, lockedBy: null, updatedAt: new Date() })
    .where(eq(jobs.id, id));
}

export async function heartbeatJobs(db: Database, ids: string[]) {
  if (ids.length === 0) return;
  await db.update(jobs).set({ heartbeatAt: new Date() }).where(inArray(jobs.id, ids));
}

/**
 * Jobs left `running` by a control plane that is gone: this same control plane before a
 * restart (same `hostPrefix`, another boot), or any peer whose heartbeat went stale.
 */
export async function findOrphanedJobs(db: Database, workerId: string, hostPrefix: string, staleBefore: Date) {
  return db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.status, "running"),
        sql`((${jobs.lockedBy} LIKE ${`${hostPrefix}/%`} AND ${jobs.lockedBy} <> ${workerId})
             OR ${jobs.heartbeatAt} < ${staleBefore.toISOString()}::timestamptz)`,
      ),
    );
}

export async function requeueJob(db: Database, id: string, note: string) {
  await db.update(jobs).set({ status: "queued", lockedBy: null, error: note, updatedAt: new Date() }).where(eq(jobs.id, id));
}

export async function cancelQueuedJob(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "cancelled", updatedAt: new Date() })
    .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export async function findJob(db: Database, id: string) {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row ?? null;
}
