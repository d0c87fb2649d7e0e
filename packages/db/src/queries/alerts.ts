// Alert rules, channels and history (0019), and the readings rules are evaluated on.
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import {
  type AlertDelivery,
  type AlertEvent,
  type AlertKind,
  type AlertRuleRow,
  type AlertState,
  alertChannels,
  alertEvents,
  alertRuleChannels,
  alertRules,
} from "../schema/index.ts";

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? (result as T[]);
}

// ---- channels -----------------------------------------------------------------------------

export async function listAlertChannels(db: Database, teamId: string) {
  return db.select().from(alertChannels).where(eq(alertChannels.teamId, teamId)).orderBy(alertChannels.name);
}

export async function findAlertChannel(db: Database, teamId: string, id: string) {
  const [row] = await db
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.teamId, teamId), eq(alertChannels.id, id)));
  return row ?? null;
}

export async function listAlertChannelsById(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select().from(alertChannels).where(inArray(alertChannels.id, ids));
}

export async function insertAlertChannel(db: Database, values: typeof alertChannels.$inferInsert) {
  const [row] = await db.insert(alertChannels).values(values).returning();
  if (!row) throw new Error("insert into alert_channels returned nothing");
  return row;
}

export async function updateAlertChannel(db: Database, id: string, values: Partial<typeof alertChannels.$inferInsert>) {
  const [row] = await db
    .update(alertChannels)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(alertChannels.id, id))
    .returning();
  return row ?? null;
}

export async function deleteAlertChannel(db: Database, teamId: string, id: string) {
  const [row] = await db
    .delete(alertChannels)
    .where(and(eq(alertChannels.teamId, teamId), eq(alertChannels.id, id)))
    .returning({ id: alertChannels.id, name: alertChannels.name });
  return row ?? null;
}

// ---- rules --------------------------------------------------------------------------------

export type AlertRuleWithChannels = AlertRuleRow & { channelIds: string[] };

async function withChannels(db: Database, rules: AlertRuleRow[]): Promise<AlertRuleWithChannels[]> {
  if (rules.length === 0) return [];
  const links = await db
    .select()
    .from(alertRuleChannels)
    .where(
      inArray(
        alertRuleChannels.ruleId,
        rules.map((r) => r.id),
      ),
    );
  return rules.map((r) => ({
    ...r,
    channelIds: links
      .filter((l) => l.ruleId === r.id)
      .map((l) => l.channelId)
      .sort(),
  }));
}

export async function listAlertRules(db: Database, appId: string) {
  const rules = await db.select().from(alertRules).where(eq(alertRules.appId, appId)).orderBy(alertRules.createdAt, alertRules.id);
  return withChannels(db, rules);
}

/** Every enabled rule of every app, for the evaluation loop. */
export async function listEnabledAlertRules(db: Database) {
  const rules = await db.select().from(alertRules).where(eq(alertRules.enabled, true)).orderBy(alertRules.appId, alertRules.createdAt);
  return withChannels(db, rules);
}

export async function findAlertRule(db: Database, appId: string, id: string) {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.appId, appId), eq(alertRules.id, id)));
  return row ? ((await withChannels(db, [row]))[0] ?? null) : null;
}

async function setRuleChannels(db: Database, ruleId: string, channelIds: string[]) {
  await db.delete(alertRuleChannels).where(eq(alertRuleChannels.ruleId, ruleId));
  if (channelIds.length) await db.insert(alertRuleChannels).values(channelIds.map((channelId) => ({ ruleId, channelId })));
}

export async function insertAlertRule(db: Database, values: typeof alertRules.$inferInsert, channelIds: string[]) {
  const [row] = await db.insert(alertRules).values(values).returning();
  if (!row) throw new Error("insert into alert_rules returned nothing");
  await setRuleChannels(db, row.id, channelIds);
  return { ...row, channelIds: [...channelIds].sort() };
}

export async function updateAlertRule(
  db: Database,
  id: string,
  values: Partial<Pick<AlertRuleRow, "threshold" | "durationSeconds" | "enabled">>,
  channelIds?: string[],
) {
  await db
    .update(alertRules)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(alertRules.id, id));
  if (channelIds) await setRuleChannels(db, id, channelIds);
}

export async function deleteAlertRule(db: Database, appId: string, id: string) {
  const [row] = await db
    .delete(alertRules)
    .where(and(eq(alertRules.appId, appId), eq(alertRules.id, id)))
    .returning({ id: alertRules.id });
  return row ?? null;
}

// ---- history ------------------------------------------------------------------------------

/** Each rule's newest event: its state now (no event: never fired). */
export async function latestAlertEvents(db: Database, ruleIds: string[]): Promise<Map<string, AlertEvent>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([alertEvents.ruleId])
    .from(alertEvents)
    .where(inArray(alertEvents.ruleId, ruleIds))
    .orderBy(alertEvents.ruleId, desc(alertEvents.id));
  return new Map(rows.map((r) => [r.ruleId as string, r]));
}

export async function insertAlertEvent(
  db: Database,
  values: { appId: string; ruleId: string; kind: AlertKind; state: AlertState; value: number | null; message: string; at: Date },
) {
  const [row] = await db.insert(alertEvents).values(values).returning();
  if (!row) throw new Error("insert into alert_events returned nothing");
  return row;
}

export async function setAlertDeliveries(db: Database, eventId: number, deliveries: AlertDelivery[]) {
  await db.update(alertEvents).set({ deliveries }).where(eq(alertEvents.id, eventId));
}

/** An app's alert history, newest first; `before` pages on by event id. */
export async function listAlertEvents(db: Database, appId: string, limit: number, before?: number) {
  return db
    .select()
    .from(alertEvents)
    .where(and(eq(alertEvents.appId, appId), before === undefined ? undefined : lt(alertEvents.id, before)))
    .orderBy(desc(alertEvents.id))
    .limit(limit);
}

// ---- readings rules are evaluated on ------------------------------------------------------

/** One router row: requests in the interval ending at `at`. */
export interface RouterSample {
  at: Date;
  intervalMs: number;
  requests: number;
  p95Ms: number | null;
  /** Null on rows written before 0015 or by a collector that does not count classes: none known. */
  requests5xx: number | null;
}

export async function routerSamplesSince(db: Database, appId: string, since: Date): Promise<RouterSample[]> {
  type Row = { at: Date | string; ms: number; n: string | number; p95: number | null; e: string | number | null };
  const rows = rowsOf<Row>(
    await db.execute(sql`
      SELECT taken_at AS at, request_interval_ms AS ms, request_count AS n, response_time_p95_ms AS p95, requests_5xx AS e
      FROM metrics_snapshots
      WHERE app_id = ${appId} AND instance_id IS NULL AND request_count IS NOT NULL AND taken_at >= ${since.toISOString()}::timestamptz
      ORDER BY taken_at, id`),
  );
  return rows.map((r) => ({
    at: new Date(r.at),
    intervalMs: Number(r.ms ?? 0),
    requests: Number(r.n),
    p95Ms: r.p95 === null ? null : Number(r.p95),
    requests5xx: r.e === null ? null : Number(r.e),
  }));
}

/** One instance's memory reading, with its process type's limit from the formation. */
export interface MemorySample {
  at: Date;
  instanceId: string;
  processType: string;
  memoryBytes: number;
  limitBytes: number;
}

export async function memorySamplesSince(db: Database, appId: string, since: Date): Promise<MemorySample[]> {
  type Row = { at: Date | string; instance_id: string; process_type: string; mem: string | number; mb: number };
  const rows = rowsOf<Row>(
    await db.execute(sql`
      SELECT m.taken_at AS at, m.instance_id, m.process_type, m.memory_bytes AS mem, f.memory_mb AS mb
      FROM metrics_snapshots m
      JOIN formations f ON f.app_id = m.app_id AND f.process_type = m.process_type
      WHERE m.app_id = ${appId} AND m.instance_id IS NOT NULL AND m.memory_bytes IS NOT NULL
        AND m.taken_at >= ${since.toISOString()}::timestamptz
      ORDER BY m.taken_at, m.id`),
  );
  return rows.map((r) => ({
    at: new Date(r.at),
    instanceId: r.instance_id,
    processType: r.process_type,
    memoryBytes: Number(r.mem),
    limitBytes: Number(r.mb) * 1024 * 1024,
  }));
}

/** Per process type of the current release: the instances wanted, those up, and whether the newest one crash-looped. */
export interface ProcessHealth {
  processType: string;
  wanted: number;
  up: number;
  crashLooped: boolean;
  lastExit: string | null;
}

export async function processHealth(db: Database, appId: string): Promise<ProcessHealth[]> {
  type Row = { process_type: string; wanted: number; up: number; newest_status: string | null; newest_exit: string | null };
  const rows = rowsOf<Row>(
    await db.execute(sql`
      WITH current AS (
        SELECT i.* FROM instances i JOIN applications a ON a.id = i.app_id
        WHERE i.app_id = ${appId} AND i.release_id = a.current_release_id
      )
      SELECT f.process_type, f.quantity AS wanted,
             (SELECT count(*)::int FROM current c
               WHERE c.process_type = f.process_type AND c.status = 'running' AND c.health_status <> 'unhealthy') AS up,
             n.status AS newest_status, n.exit_reason AS newest_exit
      FROM formations f
      LEFT JOIN LATERAL (
        SELECT status, exit_reason FROM current c WHERE c.process_type = f.process_type ORDER BY c.created_at DESC LIMIT 1
      ) n ON true
      WHERE f.app_id = ${appId} AND f.quantity > 0
        -- An app never deployed runs nothing, and is not "down".
        AND EXISTS (SELECT 1 FROM applications a WHERE a.id = f.app_id AND a.current_release_id IS NOT NULL)
      ORDER BY f.process_type`),
  );
  return rows.map((r) => ({
    processType: r.process_type,
    wanted: Number(r.wanted),
    up: Number(r.up),
    crashLooped: r.newest_status === "failed" && (r.newest_exit ?? "").startsWith("crash loop"),
    lastExit: r.newest_exit,
  }));
}

/** The app's newest deployment that ended after `since`: how the latest deploy went. */
export async function latestFinishedDeployment(db: Database, appId: string, since: Date) {
  type Row = { id: string; status: string; error: string | null; finished_at: Date | string };
  const [row] = rowsOf<Row>(
    await db.execute(sql`
      SELECT id, status, error, finished_at FROM deployments
      WHERE app_id = ${appId} AND finished_at IS NOT NULL AND finished_at >= ${since.toISOString()}::timestamptz
        AND status IN ('succeeded', 'failed', 'rolled_back')
      ORDER BY finished_at DESC, created_at DESC LIMIT 1`),
  );
  return row ? { id: row.id, status: row.status, error: row.error, finishedAt: new Date(row.finished_at) } : null;
}

/** The app's domains whose certificate failed, or expires before `before`. */
export async function troubledCertificates(db: Database, appId: string, before: Date) {
  type Row = { hostname: string; tls_status: string; cert_expires_at: Date | string | null; error: string | null };
  const rows = rowsOf<Row>(
    await db.execute(sql`
      SELECT hostname, tls_status, cert_expires_at, error FROM domains
      WHERE app_id = ${appId}
        AND (tls_status = 'error' OR (cert_expires_at IS NOT NULL AND cert_expires_at < ${before.toISOString()}::timestamptz))
      ORDER BY hostname`),
  );
  return rows.map((r) => ({
    hostname: r.hostname,
    failed: r.tls_status === "error",
    expiresAt: r.cert_expires_at === null ? null : new Date(r.cert_expires_at),
    error: r.error,
  }));
}

/** The app a rule belongs to, as notices name it. */
export async function alertApp(db: Database, appId: string) {
  type Row = { id: string; name: string; team_id: string };
  const [row] = rowsOf<Row>(await db.execute(sql`SELECT id, name, team_id FROM applications WHERE id = ${appId}`));
  return row ? { id: row.id, name: row.name, teamId: row.team_id } : null;
}

/** Every channel, for the master key's rotation. */
export async function listAllAlertChannels(db: Database) {
  return db.select().from(alertChannels);
}
