// An app's traffic policy at the router (0025); the engine reads no row as "no limits, WAF off".
import { eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AppTrafficPolicy, appTrafficPolicies } from "../schema/index.ts";

export type TrafficPolicyValues = Omit<AppTrafficPolicy, "updatedAt">;

export async function findTrafficPolicy(db: Database, appId: string) {
  const [row] = await db.select().from(appTrafficPolicies).where(eq(appTrafficPolicies.appId, appId));
  return row ?? null;
}

/** Every app's policy, for the router's routes. */
export async function listTrafficPolicies(db: Database) {
  return db.select().from(appTrafficPolicies);
}

/** A second save replaces the first. */
export async function upsertTrafficPolicy(db: Database, values: TrafficPolicyValues) {
  const { appId, ...policy } = values;
  const [row] = await db
    .insert(appTrafficPolicies)
    .values(values)
    .onConflictDoUpdate({ target: appTrafficPolicies.appId, set: { ...policy, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error("upsert into app_traffic_policies returned nothing");
  return row;
}
