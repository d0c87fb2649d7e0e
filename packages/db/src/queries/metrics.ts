import { sql } from "drizzle-orm";
import type { Database } from "../client.ts";

export interface MetricsPoint {
  /** Start of the bucket, epoch milliseconds. */
  t: number;
  cpuPercent: number | null;
  memoryBytes: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  instances: number;
}

/**
 * An app's samples since `sinceSeconds` ago, downsampled to buckets of `bucketSeconds`: each
 * instance's average in the bucket, summed over instances. Network counters are cumulative, so
 * rates come from consecutive samples of the same instance.
 */
export async function metricsSeries(db: Database, appId: string, sinceSeconds: number, bucketSeconds: number): Promise<MetricsPoint[]> {
  const result = await db.execute(sql`
    WITH samples AS (
      SELECT instance_id, taken_at, cpu_percent, memory_bytes,
             (net_rx_bytes - lag(net_rx_bytes) OVER w)
               / nullif(extract(epoch FROM taken_at - lag(taken_at) OVER w), 0) AS rx_rate,
             (net_tx_bytes - lag(net_tx_bytes) OVER w)
               / nullif(extract(epoch FROM taken_at - lag(taken_at) OVER w), 0) AS tx_rate
      FROM metrics_snapshots
      WHERE app_id = ${appId} AND taken_at >= now() - make_interval(secs => ${sinceSeconds})
      WINDOW w AS (PARTITION BY instance_id ORDER BY taken_at)
    ), per_instance AS (
      SELECT floor(extract(epoch FROM taken_at) / ${bucketSeconds}) * ${bucketSeconds} AS bucket, instance_id,
             avg(cpu_percent) AS cpu, avg(memory_bytes) AS mem,
             avg(greatest(rx_rate, 0)) AS rx, avg(greatest(tx_rate, 0)) AS tx
      FROM samples GROUP BY 1, 2
    )
    SELECT bucket::float8 AS bucket, sum(cpu)::float8 AS cpu, sum(mem)::float8 AS mem,
           sum(rx)::float8 AS rx, sum(tx)::float8 AS tx, count(*)::int AS instances
    FROM per_instance GROUP BY 1 ORDER BY 1`);
  type Row = { bucket: number; cpu: number | null; mem: number | null; rx: number | null; tx: number | null; instances: number };
  const rows = (result as unknown as { rows?: Row[] }).rows ?? (result as unknown as Row[]);
  return rows.map((r) => ({
    t: Number(r.bucket) * 1000,
    cpuPercent: r.cpu === null ? null : Number(r.cpu),
    memoryBytes: r.mem === null ? null : Number(r.mem),
    netRxBytesPerSec: r.rx === null ? null : Number(r.rx),
    netTxBytesPerSec: r.tx === null ? null : Number(r.tx),
    instances: Number(r.instances),
  }));
}
