import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { applications, type Deployment, deployments, deploymentsHistory } from "../schema/index.ts";

export async function insertDeployment(db: Database, values: typeof deployments.$inferInsert): Promise<Deployment> {
  const [row] = await db.insert(deployments).values(values).returning();
  if (!row) throw new Error("insert into deployments returned nothing");
  return row;
}

export async function updateDeployment(db: Database, id: string, values: Partial<typeof deployments.$inferInsert>) {
  await db.update(deployments).set(values).where(eq(deployments.id, id));
}

export async function findDeployment(db: Database, appId: string, id: string) {
  const [row] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.appId, appId), eq(deployments.id, id)));
  return row ?? null;
}

export async function findDeploymentById(db: Database, id: string) {
  const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
  return row ?? null;
}

export async function listDeployments(db: Database, appId: string, limit = 50) {
  return db.select().from(deployments).where(eq(deployments.appId, appId)).orderBy(desc(deployments.createdAt)).limit(limit);
}

export async function insertHistory(db: Database, values: typeof deploymentsHistory.$inferInsert) {
  await db.insert(deploymentsHistory).values(values);
}

export async function listHistory(db: Database, appId: string, limit = 50) {
  return db
    .select()
    .from(deploymentsHistory)
    .where(eq(deploymentsHistory.appId, appId))
    .orderBy(desc(deploymentsHistory.createdAt))
    .limit(limit);
}

export async function setCurrentRelease(
  db: Database,
  appId: string,
  releaseId: string | null,
  status: "running" | "idle" | "crashed" | "deploying",
) {
  await db.update(applications).set({ currentReleaseId: releaseId, status, updatedAt: new Date() }).where(eq(applications.id, appId));
}

export async function setAppStatus(db: Database, appId: string, status: "running" | "idle" | "crashed" | "deploying" | "stopped") {
  await db.update(applications).set({ status }).where(eq(applications.id, appId));
}

export async function listAppsWithReleases(db: Database) {
  return db.select({ id: applications.id, name: applications.name, currentReleaseId: applications.currentReleaseId }).from(applications);
}
