import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type Instance, instances, metricsSnapshots } from "../schema/index.ts";

export async function insertInstance(db: Database, values: typeof instances.$inferInsert): Promise<Instance> {
  const [row] = await db.insert(instances).values(values).returning();
  if (!row) throw new Error("insert into instances returned nothing");
  return row;
}

export async function updateInstance(db: Database, id: string, values: Partial<typeof instances.$inferInsert>) {
  await db.update(instances).set(values).where(eq(instances.id, id));
}

export async function listAppInstances(db: Database, appId: string) {
  return db.select().from(instances).where(eq(instances.appId, appId)).orderBy(asc(instances.processType), asc(instances.createdAt));
}

/** Instances the database believes are alive (anything not stopped or failed). */
export async function listLiveInstances(db: Database) {
  return db
    .select()
    .from(instances)
    .where(inArray(instances.status, ["starting", "running", "stopping"]));
}

export async function deleteStoppedInstances(db: Database, appId: string, keep: number) {
  const rows = await db
    .select({ id: instances.id })
    .from(instances)
    .where(and(eq(instances.appId, appId), inArray(instances.status, ["stopped", "failed"])))
    .orderBy(asc(instances.stoppedAt));
  const extra = rows.slice(0, Math.max(0, rows.length - keep)).map((r) => r.id);
  if (extra.length) await db.delete(instances).where(inArray(instances.id, extra));
}

export async function insertMetricsSnapshot(db: Database, values: typeof metricsSnapshots.$inferInsert) {
  await db.insert(metricsSnapshots).values(values);
}
