// An app's resource use over time, from the samples the supervisor takes of each instance
// (metrics_snapshots, every 10 s), and its requests, from the rows the request collector writes
// from Caddy's access log; downsampled so every range is about 120 points.
import { type MetricsPoint, metricsSeries, type RequestsPoint, requestSeries } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ValidationError } from "../errors.ts";
import type { MetricsSource } from "./promql.ts";

export type { WafMatch } from "./access-log.ts";
export {
  type EmbeddedPrometheus,
  EmbeddedPrometheusError,
  type EmbeddedPrometheusSettings,
  embeddedPrometheusPaths,
  keptScrapeToken,
  startEmbeddedPrometheus,
} from "./embedded-prometheus/index.ts";
export { createPlatformMetrics, type PlatformMetrics } from "./prometheus/index.ts";
export { type MetricsSource, PrometheusUnavailableError, promqlMetrics } from "./promql.ts";
export { createRequestCollector, type RequestCollector, type RequestCollectorStats } from "./request-collector.ts";

/** Range → [its length, the bucket size], in seconds. */
export const METRICS_RANGES = {
  "15m": [15 * 60, 10],
  "1h": [60 * 60, 30],
  "6h": [6 * 3600, 180],
  "24h": [24 * 3600, 720],
  "7d": [7 * 86_400, 5040],
} as const satisfies Record<string, readonly [number, number]>;

export type MetricsRange = keyof typeof METRICS_RANGES;

export interface MetricsSeries {
  range: MetricsRange;
  bucketSeconds: number;
  points: MetricsPoint[];
  /** Requests per second, response time (p50/p95/p99) and the 5xx share through the router, per bucket with rows. */
  requests: RequestsPoint[];
}

export function createMetrics(deps: EngineDeps, apps: Apps) {
  // Null: the database. The platform's own Prometheus once it runs (SKYPANEL_PROMETHEUS=1).
  let source: MetricsSource | null = null;
  return {
    /** Reads the series from `from` from now on (null: the database again). */
    readFrom(from: MetricsSource | null) {
      source = from;
    },
    async series(actor: Actor, idOrName: string, range: string = "1h"): Promise<MetricsSeries> {
      if (!Object.hasOwn(METRICS_RANGES, range)) throw new ValidationError(`A range is one of ${Object.keys(METRICS_RANGES).join(", ")}.`);
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing metrics");
      const [seconds, bucketSeconds] = METRICS_RANGES[range as MetricsRange];
      if (source)
        return {
          range: range as MetricsRange,
          bucketSeconds,
          points: await source.points(app.name, seconds, bucketSeconds),
          requests: await source.requests(app.name, seconds, bucketSeconds),
        };
      return {
        range: range as MetricsRange,
        bucketSeconds,
        points: await metricsSeries(deps.db, app.id, seconds, bucketSeconds),
        requests: await requestSeries(deps.db, app.id, seconds, bucketSeconds),
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
