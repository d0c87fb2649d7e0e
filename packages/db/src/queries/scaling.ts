import { asc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { scalingPolicies } from "../schema/index.ts";

export async function listScalingPolicies(db: Database, appId: string) {
  return db.select().from(scalingPolicies).where(eq(scalingPolicies.appId, appId)).orderBy(asc(scalingPolicies.processType));
}

export interface ScalingPolicyValues {
  appId: string;
  processType: string;
  enabled: boolean;
  minInstances: number;
  maxInstances: number;
  targetCpuPercent: number | null;
  targetMemoryPercent: number | null;
  targetRequestsPerSecond: number | null;
  cooldownSeconds: number;
}

/** One policy per process type of an app: a second save replaces the first. */
export async function upsertScalingPolicy(db: Database, values: ScalingPolicyValues) {
  const { appId, processType, ...rest } = values;
  const [row] = await db
    .insert(scalingPolicies)
    .values(values)
    .onConflictDoUpdate({ target: [scalingPolicies.appId, scalingPolicies.processType], set: { ...rest, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error("upsert into scaling_policies returned nothing");
  return row;
}
