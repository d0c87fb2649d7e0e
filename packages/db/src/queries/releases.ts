import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { applications, formations, type Release, releases } from "../schema/index.ts";

/** A new release numbered after the app's last (v1, v2, …); the app row lock keeps numbers unique. */
export async function insertRelease(
  db: Database,
  values: Omit<typeof releases.$inferInsert, "id" | "version" | "createdAt">,
): Promise<Release> {
  await db.execute(sql`SELECT 1 FROM applications WHERE id = ${values.appId} FOR UPDATE`);
  const [last] = await db
    .select({ v: sql<number>`coalesce(max(${releases.version}), 0)::int` })
    .from(releases)
    .where(eq(releases.appId, values.appId));
  const [row] = await db
    .insert(releases)
    .values({ ...values, version: (last?.v ?? 0) + 1 })
    .returning();
  if (!row) throw new Error("insert into releases returned nothing");
  return row;
}

export async function listReleases(db: Database, appId: string, limit = 50) {
  return db.select().from(releases).where(eq(releases.appId, appId)).orderBy(desc(releases.version)).limit(limit);
}

export async function findRelease(db: Database, appId: string, version: number) {
  const [row] = await db
    .select()
    .from(releases)
    .where(and(eq(releases.appId, appId), eq(releases.version, version)));
  return row ?? null;
}

export async function findReleaseById(db: Database, id: string) {
  const [row] = await db.select().from(releases).where(eq(releases.id, id));
  return row ?? null;
}

export async function listFormation(db: Database, appId: string) {
  return db.select().from(formations).where(eq(formations.appId, appId)).orderBy(asc(formations.processType));
}

export async function upsertFormation(
  db: Database,
  values: {
    appId: string;
    processType: string;
    quantity?: number;
    memoryMb?: number;
    cpuQuota?: number;
    maxProcs?: number;
    healthCheck?: unknown;
  },
) {
  const { appId, processType, ...rest } = values;
  await db
    .insert(formations)
    .values(values)
    .onConflictDoUpdate({ target: [formations.appId, formations.processType], set: { ...rest, updatedAt: new Date() } });
}

/** Every release's sealed config, for re-encrypting under a new key. */
export async function listReleaseSnapshots(db: Database) {
  return db.select({ id: releases.id, appId: releases.appId, configSnapshot: releases.configSnapshot }).from(releases);
}

export async function updateReleaseSnapshot(db: Database, id: string, configSnapshot: unknown) {
  await db.update(releases).set({ configSnapshot }).where(eq(releases.id, id));
}

/** The release an app runs now; null before its first deploy. */
export async function findCurrentRelease(db: Database, appId: string): Promise<Release | null> {
  const [row] = await db
    .select({ release: releases })
    .from(applications)
    .innerJoin(releases, eq(releases.id, applications.currentReleaseId))
    .where(eq(applications.id, appId));
  return row?.release ?? null;
}
