import { and, asc, desc, eq, gte, inArray, isNotNull, notInArray, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type ScheduledJob, type ScheduledJobRun, scheduledJobRuns, scheduledJobs } from "../schema/index.ts";

type JobInsert = Omit<typeof scheduledJobs.$inferInsert, "id">;
type RunInsert = Omit<typeof scheduledJobRuns.$inferInsert, "id">;

export async function listScheduledJobs(db: Database, appId: string): Promise<ScheduledJob[]> {
  return db.select().from(scheduledJobs).where(eq(scheduledJobs.appId, appId)).orderBy(asc(scheduledJobs.name));
}

export async function findScheduledJobByName(db: Database, appId: string, name: string): Promise<ScheduledJob | null> {
  const [row] = await db
    .select()
    .from(scheduledJobs)
    .where(and(eq(scheduledJobs.appId, appId), eq(scheduledJobs.name, name)));
  return row ?? null;
}

export async function findScheduledJobById(db: Database, id: string): Promise<ScheduledJob | null> {
  const [row] = await db.select().from(scheduledJobs).where(eq(scheduledJobs.id, id));
  return row ?? null;
}

export async function countScheduledJobs(db: Database, appId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(scheduledJobs).where(eq(scheduledJobs.appId, appId));
  return row?.n ?? 0;
}

export async function insertScheduledJob(db: Database, values: JobInsert): Promise<ScheduledJob> {
  const [row] = await db.insert(scheduledJobs).values(values).returning();
  if (!row) throw new Error("insert into scheduled_jobs returned nothing");
  return row;
}

export async function updateScheduledJob(db: Database, id: string, values: Partial<JobInsert>): Promise<ScheduledJob | null> {
  const [row] = await db.update(scheduledJobs).set(values).where(eq(scheduledJobs.id, id)).returning();
  return row ?? null;
}

export async function deleteScheduledJob(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(scheduledJobs).where(eq(scheduledJobs.id, id)).returning({ id: scheduledJobs.id });
  return rows.length > 0;
}

/** Every enabled job of every app, for the scheduler's pass. */
export async function listEnabledScheduledJobs(db: Database): Promise<ScheduledJob[]> {
  return db.select().from(scheduledJobs).where(eq(scheduledJobs.enabled, true));
}

/** Each job's latest recorded due time: where the scheduler goes on from after a restart. */
export async function lastScheduledFor(db: Database, jobIds: string[]): Promise<Map<string, Date>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: scheduledJobRuns.jobId, at: sql<Date | string>`max(${scheduledJobRuns.scheduledFor})` })
    .from(scheduledJobRuns)
    .where(and(inArray(scheduledJobRuns.jobId, jobIds), isNotNull(scheduledJobRuns.scheduledFor)))
    .groupBy(scheduledJobRuns.jobId);
  return new Map(rows.map((r) => [r.jobId, new Date(r.at)]));
}

/** Records a run; a due time already recorded for the job gives null (it ran or was decided before). */
export async function insertScheduledRun(db: Database, values: RunInsert): Promise<ScheduledJobRun | null> {
  const [row] = await db
    .insert(scheduledJobRuns)
    .values(values)
    .onConflictDoNothing({ target: [scheduledJobRuns.jobId, scheduledJobRuns.scheduledFor] })
    .returning();
  return row ?? null;
}

export async function updateScheduledRun(db: Database, id: string, values: Partial<RunInsert>): Promise<ScheduledJobRun | null> {
  const [row] = await db.update(scheduledJobRuns).set(values).where(eq(scheduledJobRuns.id, id)).returning();
  return row ?? null;
}

/** The job's queued and running runs, oldest first. */
export async function activeScheduledRuns(db: Database, jobId: string): Promise<ScheduledJobRun[]> {
  return db
    .select()
    .from(scheduledJobRuns)
    .where(and(eq(scheduledJobRuns.jobId, jobId), inArray(scheduledJobRuns.status, ["queued", "running"])))
    .orderBy(asc(scheduledJobRuns.createdAt));
}

export async function listScheduledRuns(db: Database, jobId: string, limit: number): Promise<ScheduledJobRun[]> {
  return db
    .select()
    .from(scheduledJobRuns)
    .where(eq(scheduledJobRuns.jobId, jobId))
    .orderBy(desc(scheduledJobRuns.createdAt), desc(scheduledJobRuns.scheduledFor))
    .limit(limit);
}

/** Keeps the job's newest `keep` runs (and any still queued or running). */
export async function pruneScheduledRuns(db: Database, jobId: string, keep: number) {
  const kept = db
    .select({ id: scheduledJobRuns.id })
    .from(scheduledJobRuns)
    .where(eq(scheduledJobRuns.jobId, jobId))
    .orderBy(desc(scheduledJobRuns.createdAt))
    .limit(keep);
  await db
    .delete(scheduledJobRuns)
    .where(
      and(
        eq(scheduledJobRuns.jobId, jobId),
        notInArray(scheduledJobRuns.status, ["queued", "running"]),
        notInArray(scheduledJobRuns.id, kept),
      ),
    );
}

/** After a control-plane restart: running runs ended with it; queued ones will not start. */
export async function endUnfinishedScheduledRuns(db: Database, reason: string, at: Date) {
  await db.update(scheduledJobRuns).set({ status: "failed", reason, finishedAt: at }).where(eq(scheduledJobRuns.status, "running"));
  await db.update(scheduledJobRuns).set({ status: "skipped", reason, finishedAt: at }).where(eq(scheduledJobRuns.status, "queued"));
}

/** Per job of the app, its latest finished run (succeeded, failed or timed out) since a time. */
export async function latestFinishedScheduledRuns(
  db: Database,
  appId: string,
  since: Date,
): Promise<(ScheduledJobRun & { jobName: string })[]> {
  const rows = await db
    .selectDistinctOn([scheduledJobRuns.jobId], { run: scheduledJobRuns, jobName: scheduledJobs.name })
    .from(scheduledJobRuns)
    .innerJoin(scheduledJobs, eq(scheduledJobs.id, scheduledJobRuns.jobId))
    .where(
      and(
        eq(scheduledJobRuns.appId, appId),
        inArray(scheduledJobRuns.status, ["succeeded", "failed", "timed_out"]),
        isNotNull(scheduledJobRuns.finishedAt),
        gte(scheduledJobRuns.finishedAt, since),
      ),
    )
    .orderBy(scheduledJobRuns.jobId, desc(scheduledJobRuns.finishedAt));
  return rows.map((r) => ({ ...r.run, jobName: r.jobName }));
}
