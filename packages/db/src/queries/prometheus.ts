// What the Prometheus exposition reads from the database on each scrape: small, indexed reads
// (live instances and unfinished jobs are few), so a scrape every 15 s costs next to nothing.
import { sql } from "drizzle-orm";
import type { Database } from "../client.ts";

/** One live instance's latest reading, as the supervisor last wrote it on its row (every 10 s). */
export interface InstanceReading {
  appName: string;
  processType: string;
  instanceId: string;
  /** Cumulative CPU time since the instance started; null before its first reading (or in process mode). */
  cpuSeconds: number | null;
  memoryBytes: number | null;
  /** Cumulative bytes, from the instance's point of view; null without a network namespace. */
  netRxBytes: number | null;
  netTxBytes: number | null;
  restarts: number;
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);
const numberOrNull = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

/** Live instances (starting, running, stopping) with their app's name and their latest reading. */
export async function instanceReadings(db: Database): Promise<InstanceReading[]> {
  const result = await db.execute(sql`
    SELECT a.name AS app, i.process_type, i.id::text AS instance, i.memory_bytes::float8 AS memory, i.restart_count AS restarts,
           (i.resource_usage #>> '{cpu,usageNs}')::float8 AS cpu_ns,
           (i.resource_usage #>> '{network,rxBytes}')::float8 AS rx,
           (i.resource_usage #>> '{network,txBytes}')::float8 AS tx
    FROM instances i JOIN applications a ON a.id = i.app_id
    WHERE i.status IN ('starting', 'running', 'stopping')
    ORDER BY a.name, i.process_type, i.id`);
  type Row = {
    app: string;
    process_type: string;
    instance: string;
    memory: number | null;
    restarts: number;
    cpu_ns: number | null;
    rx: number | null;
    tx: number | null;
  };
  return rowsOf<Row>(result).map((r) => {
    const cpuNs = numberOrNull(r.cpu_ns);
    return {
      appName: r.app,
      processType: r.process_type,
      instanceId: r.instance,
      cpuSeconds: cpuNs === null ? null : cpuNs / 1e9,
      memoryBytes: numberOrNull(r.memory),
      netRxBytes: numberOrNull(r.rx),
      netTxBytes: numberOrNull(r.tx),
      restarts: Number(r.restarts),
    };
  });
}

/** Jobs not finished yet, by kind: how many wait in the queue and how many run. */
export async function unfinishedJobCounts(db: Database): Promise<{ kind: string; queued: number; running: number }[]> {
  const result = await db.execute(sql`
    SELECT kind, count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'running')::int AS running
    FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind ORDER BY kind`);
  return rowsOf<{ kind: string; queued: number; running: number }>(result).map((r) => ({
    kind: r.kind,
    queued: Number(r.queued),
    running: Number(r.running),
  }));
}

/** Every app's name: request series of an app deleted or renamed since are dropped from the exposition. */
export async function allAppNames(db: Database): Promise<string[]> {
  return rowsOf<{ name: string }>(await db.execute(sql`SELECT name FROM applications ORDER BY name`)).map((r) => r.name);
}
