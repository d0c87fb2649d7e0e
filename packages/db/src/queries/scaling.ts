import { and, asc, desc, eq, lt, notInArray, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import {
  type AutoscaleEventKind,
  type AutoscaleMetric,
  applications,
  autoscaleEvents,
  type ScalingSchedule,
  scalingPolicies,
} from "../schema/index.ts";

export async function listScalingPolicies(db: Database, appId: string) {
  return db.select().from(scalingPolicies).where(eq(scalingPolicies.appId, appId)).orderBy(asc(scalingPolicies.processType));
}

export interface ScalingPolicyValues {
  appId: string;
  processType: string;
  enabled: boolean;
  minInstances: number;
  maxInstances: number;
  metric: AutoscaleMetric;
  target: number | null;
  stabilizationSeconds: number;
  schedules: ScalingSchedule[];
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

/** Removes the app's policies of every process type but `keep`. */
export async function deleteScalingPoliciesExcept(db: Database, appId: string, keep: string[]) {
  const where = keep.length
    ? and(eq(scalingPolicies.appId, appId), notInArray(scalingPolicies.processType, keep))
    : eq(scalingPolicies.appId, appId);
  await db.delete(scalingPolicies).where(where);
}

/** Every enabled policy with its app, for the autoscaler's pass. */
export async function listEnabledScalingPolicies(db: Database) {
  return db
    .select({
      policy: scalingPolicies,
      app: { id: applications.id, name: applications.name, teamId: applications.teamId, currentReleaseId: applications.currentReleaseId },
    })
    .from(scalingPolicies)
    .innerJoin(applications, eq(applications.id, scalingPolicies.appId))
    .where(eq(scalingPolicies.enabled, true))
    .orderBy(asc(applications.name), asc(scalingPolicies.processType));
}

/** The policy as it is now (null: removed), read again right before the autoscaler acts on it. */
export async function findScalingPolicy(db: Database, appId: string, processType: string) {
  const [row] = await db
    .select()
    .from(scalingPolicies)
    .where(and(eq(scalingPolicies.appId, appId), eq(scalingPolicies.processType, processType)));
  return row ?? null;
}

export interface AutoscaleEventValues {
  appId: string;
  processType: string;
  metric: AutoscaleMetric;
  value: number | null;
  target: number | null;
  fromQuantity: number;
  toQuantity: number;
  kind: AutoscaleEventKind;
  reason: string;
  at?: Date;
}

export async function insertAutoscaleEvent(db: Database, values: AutoscaleEventValues) {
  const [row] = await db.insert(autoscaleEvents).values(values).returning();
  if (!row) throw new Error("insert into autoscale_events returned nothing");
  return row;
}

/** An app's decisions, newest first; `before` pages on by id. */
export async function listAutoscaleEvents(db: Database, appId: string, p: { limit: number; before?: number; since?: Date }) {
  const conditions = [eq(autoscaleEvents.appId, appId)];
  if (p.before !== undefined) conditions.push(lt(autoscaleEvents.id, p.before));
  if (p.since) conditions.push(sql`${autoscaleEvents.at} >= ${p.since.toISOString()}::timestamptz`);
  return db
    .select()
    .from(autoscaleEvents)
    .where(and(...conditions))
    .orderBy(desc(autoscaleEvents.at), desc(autoscaleEvents.id))
    .limit(p.limit);
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * A process type's instance samples over the last `sinceSeconds`: each instance's average, then
 * averaged over the instances (CPU in % of one core, memory in bytes). Null when none was sampled.
 */
export async function instanceUsage(db: Database, appId: string, processType: string, sinceSeconds: number) {
  const result = await db.execute(sql`
    WITH per_instance AS (
      SELECT instance_id, avg(cpu_percent) AS cpu, avg(memory_bytes) AS mem
      FROM metrics_snapshots
      WHERE app_id = ${appId} AND process_type = ${processType} AND instance_id IS NOT NULL
        AND taken_at >= now() - make_interval(secs => ${sinceSeconds})
      GROUP BY instance_id
    )
    SELECT avg(cpu)::float8 AS cpu, avg(mem)::float8 AS mem, count(*)::int AS instances FROM per_instance`);
  const [row] = rowsOf<{ cpu: unknown; mem: unknown; instances: unknown }>(result);
  return { cpuPercent: num(row?.cpu), memoryBytes: num(row?.mem), instances: Number(row?.instances ?? 0) };
}

/**
 * An app's router rows over the last `sinceSeconds`: requests per second over the time counted,
 * and p95 (the rows' p95s weighted by their requests). Null rate: no row (nothing routed).
 */
export async function routerTraffic(db: Database, appId: string, sinceSeconds: number) {
  const result = await db.execute(sql`
    SELECT (sum(request_count) * 1000.0 / nullif(sum(request_interval_ms), 0))::float8 AS rate,
           (sum(response_time_p95_ms * request_count) / nullif(sum(request_count) FILTER (WHERE response_time_p95_ms IS NOT NULL), 0))::float8 AS p95,
           coalesce(sum(request_count), 0)::float8 AS requests
    FROM metrics_snapshots
    WHERE app_id = ${appId} AND instance_id IS NULL AND request_count IS NOT NULL AND request_interval_ms > 0
      AND taken_at >= now() - make_interval(secs => ${sinceSeconds})`);
  const [row] = rowsOf<{ rate: unknown; p95: unknown; requests: unknown }>(result);
  return { requestsPerSecond: num(row?.rate), p95Ms: num(row?.p95), requests: Number(row?.requests ?? 0) };
}
