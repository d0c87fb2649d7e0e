// An app's egress policy (0026); the engine reads no row as "deny".
import { eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AppEgressMode, type AppEgressRule, appEgress } from "../schema/index.ts";

export async function findAppEgress(db: Database, appId: string) {
  const [row] = await db.select().from(appEgress).where(eq(appEgress.appId, appId));
  return row ?? null;
}

/** A second save replaces the first. */
export async function upsertAppEgress(db: Database, values: { appId: string; mode: AppEgressMode; rules: AppEgressRule[] }) {
  const { appId, ...policy } = values;
  const [row] = await db
    .insert(appEgress)
    .values(values)
    .onConflictDoUpdate({ target: appEgress.appId, set: { ...policy, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error("upsert into app_egress returned nothing");
  return row;
}
