import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type OneOffProcess, oneOffProcesses } from "../schema/index.ts";

/** A new one-off numbered after the app's last one; the app row lock keeps numbers unique. */
export async function insertOneOff(
  db: Database,
  values: Omit<typeof oneOffProcesses.$inferInsert, "id" | "number" | "status">,
): Promise<OneOffProcess> {
  await db.execute(sql`SELECT 1 FROM applications WHERE id = ${values.appId} FOR UPDATE`);
  const [last] = await db
    .select({ n: sql<number>`coalesce(max(${oneOffProcesses.number}), 0)::int` })
    .from(oneOffProcesses)
    .where(eq(oneOffProcesses.appId, values.appId));
  const [row] = await db
    .insert(oneOffProcesses)
    .values({ ...values, number: (last?.n ?? 0) + 1 })
    .returning();
  if (!row) throw new Error("insert into one_off_processes returned nothing");
  return row;
}

export async function updateOneOff(db: Database, id: string, values: Partial<Omit<OneOffProcess, "id" | "appId" | "number">>) {
  const [row] = await db.update(oneOffProcesses).set(values).where(eq(oneOffProcesses.id, id)).returning();
  return row ?? null;
}

export async function findOneOff(db: Database, appId: string, id: string): Promise<OneOffProcess | null> {
  const [row] = await db
    .select()
    .from(oneOffProcesses)
    .where(and(eq(oneOffProcesses.appId, appId), eq(oneOffProcesses.id, id)));
  return row ?? null;
}

export async function listOneOffs(db: Database, appId: string, limit: number): Promise<OneOffProcess[]> {
  return db.select().from(oneOffProcesses).where(eq(oneOffProcesses.appId, appId)).orderBy(desc(oneOffProcesses.number)).limit(limit);
}

/** After a control-plane restart: one-offs it was running have ended with it (their callers are gone). */
export async function endUnfinishedOneOffs(db: Database, reason: string) {
  await db
    .update(oneOffProcesses)
    .set({ status: "stopped", exitReason: reason, finishedAt: new Date() })
    .where(inArray(oneOffProcesses.status, ["starting", "running"]));
}
