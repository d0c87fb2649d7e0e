// Platform backups' records (0027); the archives themselves are in a folder or a bucket.
import { desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Database } from "../client.ts";
import { addons, applications, type PlatformBackupDestination, platformBackups, releases } from "../schema/index.ts";

export async function insertPlatformBackup(
  db: Database,
  values: { trigger: "manual" | "schedule"; destination: PlatformBackupDestination },
) {
  const [row] = await db.insert(platformBackups).values(values).returning();
  if (!row) throw new Error("insert into platform_backups returned nothing");
  return row;
}

export async function updatePlatformBackup(
  db: Database,
  id: string,
  values: Partial<
    Pick<typeof platformBackups.$inferInsert, "status" | "progress" | "location" | "sizeBytes" | "sha256" | "error" | "finishedAt">
  >,
) {
  await db.update(platformBackups).set(values).where(eq(platformBackups.id, id));
}

/** Newest first. */
export async function listPlatformBackups(db: Database, limit = 100) {
  return db.select().from(platformBackups).orderBy(desc(platformBackups.startedAt)).limit(limit);
}

export async function findPlatformBackup(db: Database, id: string) {
  const [row] = await db.select().from(platformBackups).where(eq(platformBackups.id, id));
  return row ?? null;
}

/** Succeeded backups newest first: retention keeps the first N. */
export async function listSucceededPlatformBackups(db: Database) {
  return db.select().from(platformBackups).where(eq(platformBackups.status, "succeeded")).orderBy(desc(platformBackups.startedAt));
}

export async function deletePlatformBackups(db: Database, ids: string[]) {
  if (ids.length > 0) await db.delete(platformBackups).where(inArray(platformBackups.id, ids));
}

/** Backups a stopped process left running can never finish: they failed, and say why. */
export async function failInterruptedPlatformBackups(db: Database, reason: string) {
  await db
    .update(platformBackups)
    .set({ status: "failed", error: reason, finishedAt: new Date() })
    .where(eq(platformBackups.status, "running"));
}

/** Every app's current release that has a build to run: what a backup carries the closures of. */
export async function listCurrentReleaseArtifacts(db: Database) {
  return db
    .select({ app: applications.name, releaseId: releases.id, buildId: releases.buildId, storePath: releases.storePath })
    .from(applications)
    .innerJoin(releases, eq(releases.id, applications.currentReleaseId))
    .where(isNotNull(releases.storePath))
    .orderBy(applications.name);
}

/** Every add-on with its owner's name, for a backup's dumps (credentials sealed, as stored). */
export async function listAddonsForBackup(db: Database) {
  return db
    .select({ app: applications.name, addon: addons })
    .from(addons)
    .innerJoin(applications, eq(applications.id, addons.appId))
    .orderBy(addons.createdAt);
}
