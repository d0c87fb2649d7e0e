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
 * rates come from consecutive samples of the same instance. Router rows (request counts, no
 * instance) are not instance samples and are left out.
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
      WHERE app_id = ${appId} AND taken_at >= now() - make_interval(secs => ${sinceSeconds}) AND request_count IS NULL
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

/** One app's requests through the router in one collection interval. */
export interface RequestCounts {
  appName: string;
  requestCount: number;
  /** Null when no request was timed (none, or only WebSocket upgrades). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Answers by status class (1xx only in requestCount). */
  requests2xx: number;
  requests3xx: number;
  requests4xx: number;
  requests5xx: number;
  intervalMs: number;
}

/** Router rows, one per app and without an instance; an app deleted (or renamed) since counting is skipped. */
export async function insertRequestCounts(db: Database, rows: RequestCounts[]): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map(
      (r) =>
        sql`(${r.appName}::text, ${r.requestCount}::bigint, ${r.p50Ms}::float8, ${r.p95Ms}::float8, ${r.p99Ms}::float8,
             ${r.requests2xx}::bigint, ${r.requests3xx}::bigint, ${r.requests4xx}::bigint, ${r.requests5xx}::bigint, ${r.intervalMs}::int)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    INSERT INTO metrics_snapshots (app_id, request_count, response_time_p50_ms, response_time_p95_ms, response_time_p99_ms,
                                   requests_2xx, requests_3xx, requests_4xx, requests_5xx, request_interval_ms)
    SELECT a.id, v.n, v.p50, v.p95, v.p99, v.s2, v.s3, v.s4, v.s5, v.ms
    FROM (VALUES ${values}) AS v (name, n, p50, p95, p99, s2, s3, s4, s5, ms)
    JOIN applications a ON a.name = v.name`);
}

export interface RequestsPoint {
  /** Start of the bucket, epoch milliseconds. */
  t: number;
  /** Requests per second over the time counted in the bucket. */
  rate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /**
   * The share of requests answered 5xx (0–1), over the rows that counted status classes (rows
   * written before 0015 did not); null when none did or there were no requests.
   */
  errorRate: number | null;
}

/**
 * An app's router rows since `sinceSeconds` ago, in buckets of `bucketSeconds`. The rate is the
 * requests over the seconds actually counted, so a bucket still filling is not shown low.
 * Percentiles cannot be merged exactly from per-interval ones: p50/p95/p99 are the intervals'
 * percentiles averaged, weighted by their requests, an approximation that the UI says is one.
 */
export async function requestSeries(db: Database, appId: string, sinceSeconds: number, bucketSeconds: number): Promise<RequestsPoint[]> {
  const result = await db.execute(sql`
    SELECT floor(extract(epoch FROM taken_at) / ${bucketSeconds}) * ${bucketSeconds} AS bucket,
           (sum(request_count) * 1000.0 / sum(request_interval_ms))::float8 AS rate,
           (sum(response_time_p50_ms * request_count) / nullif(sum(request_count) FILTER (WHERE response_time_p50_ms IS NOT NULL), 0))::float8 AS p50,
           (sum(response_time_p95_ms * request_count) / nullif(sum(request_count) FILTER (WHERE response_time_p95_ms IS NOT NULL), 0))::float8 AS p95,
           (sum(response_time_p99_ms * request_count) / nullif(sum(request_count) FILTER (WHERE response_time_p99_ms IS NOT NULL), 0))::float8 AS p99,
           (sum(requests_5xx)::float8 / nullif(sum(request_count) FILTER (WHERE requests_5xx IS NOT NULL), 0))::float8 AS error_rate
    FROM metrics_snapshots
    WHERE app_id = ${appId} AND taken_at >= now() - make_interval(secs => ${sinceSeconds})
      AND instance_id IS NULL AND request_count IS NOT NULL AND request_interval_ms > 0
    GROUP BY 1 ORDER BY 1`);
  type Row = { bucket: number; rate: number; p50: number | null; p95: number | null; p99: number | null; error_rate: number | null };
  const rows = (result as unknown as { rows?: Row[] }).rows ?? (result as unknown as Row[]);
  return rows.map((r) => ({
    t: Number(r.bucket) * 1000,
    rate: Number(r.rate),
    p50Ms: r.p50 === null ? null : Number(r.p50),
    p95Ms: r.p95 === null ? null : Number(r.p95),
    p99Ms: r.p99 === null ? null : Number(r.p99),
    errorRate: r.error_rate === null ? null : Number(r.error_rate),
  }));
}
