import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type Build, type BuildSource, type BuildStage, buildCache, builds } from "../schema/index.ts";

/** A new build numbered after the app's last one; the app row lock keeps numbers unique. */
export async function insertBuild(
  db: Database,
  values: {
    appId: string;
    sourceType: "git" | "archive" | "push";
    source: BuildSource;
    sourceRef: string | null;
    createdBy: string | null;
    stages: BuildStage[];
  },
): Promise<Build> {
  await db.execute(sql`SELECT 1 FROM applications WHERE id = ${values.appId} FOR UPDATE`);
  const [last] = await db
    .select({ n: sql<number>`coalesce(max(${builds.number}), 0)::int` })
    .from(builds)
    .where(eq(builds.appId, values.appId));
  const [row] = await db
    .insert(builds)
    .values({ ...values, number: (last?.n ?? 0) + 1 })
    .returning();
  if (!row) throw new Error("insert into builds returned nothing");
  return row;
}

export async function updateBuild(db: Database, id: string, values: Partial<Omit<Build, "id" | "appId" | "number">>) {
  await db.update(builds).set(values).where(eq(builds.id, id));
}

export async function findBuild(db: Database, appId: string, id: string) {
  const [row] = await db
    .select()
    .from(builds)
    .where(and(eq(builds.appId, appId), eq(builds.id, id)));
  return row ?? null;
}

export async function findBuildById(db: Database, id: string) {
  const [row] = await db.select().from(builds).where(eq(builds.id, id));
  return row ?? null;
}

export async function listBuilds(db: Database, appId: string, p: { limit: number; beforeNumber?: number }) {
  const filters = [eq(builds.appId, appId)];
  if (p.beforeNumber) filters.push(lt(builds.number, p.beforeNumber));
  return db
    .select()
    .from(builds)
    .where(and(...filters))
    .orderBy(desc(builds.number))
    .limit(p.limit);
}

export async function findCacheEntry(db: Database, cacheKey: string) {
  const [row] = await db.select().from(buildCache).where(eq(buildCache.cacheKey, cacheKey));
  return row ?? null;
}

export async function recordCacheHit(db: Database, cacheKey: string) {
  await db
    .update(buildCache)
    .set({ hits: sql`${buildCache.hits} + 1`, lastUsedAt: new Date() })
    .where(eq(buildCache.cacheKey, cacheKey));
}

export async function upsertCacheEntry(
  db: Database,
  values: { cacheKey: string; appId: string | null; storePath: string; sizeBytes: number; stack: string; narHash: string; kind?: string },
) {
  await db
    .insert(buildCache)
    .values(values)
    .onConflictDoUpdate({
      target: buildCache.cacheKey,
      set: { storePath: values.storePath, sizeBytes: values.sizeBytes, narHash: values.narHash, lastUsedAt: new Date() },
    });
}

export async function deleteCacheEntry(db: Database, cacheKey: string) {
  await db.delete(buildCache).where(eq(buildCache.cacheKey, cacheKey));
}

export async function listCacheEntries(db: Database) {
  return db.select().from(buildCache).orderBy(buildCache.lastUsedAt);
}
