import { bigint, bigserial, doublePrecision, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";
import { applications } from "./applications.ts";
import { instances } from "./instances.ts";

// One sample per instance (or per app for router numbers) per collection tick.
export const metricsSnapshots = pgTable("metrics_snapshots", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  instanceId: uuid("instance_id").references(() => instances.id, { onDelete: "set null" }),
  processType: text("process_type"),
  takenAt: at("taken_at").notNull().defaultNow(),
  cpuPercent: doublePrecision("cpu_percent"),
  memoryBytes: bigint("memory_bytes", { mode: "number" }),
  netRxBytes: bigint("net_rx_bytes", { mode: "number" }),
  netTxBytes: bigint("net_tx_bytes", { mode: "number" }),
  requestCount: bigint("request_count", { mode: "number" }),
  responseTimeP50Ms: doublePrecision("response_time_p50_ms"),
  responseTimeP95Ms: doublePrecision("response_time_p95_ms"),
  responseTimeP99Ms: doublePrecision("response_time_p99_ms"),
  /** Router rows: requests answered with each status class in the interval. */
  requests2xx: bigint("requests_2xx", { mode: "number" }),
  requests3xx: bigint("requests_3xx", { mode: "number" }),
  requests4xx: bigint("requests_4xx", { mode: "number" }),
  requests5xx: bigint("requests_5xx", { mode: "number" }),
  /** How long a router row counted requests for: its rate is request_count / this. */
  requestIntervalMs: integer("request_interval_ms"),
});

export type MetricsSnapshot = typeof metricsSnapshots.$inferSelect;
