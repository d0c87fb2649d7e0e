import { bigint, doublePrecision, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { releases } from "./releases.ts";

export const INSTANCE_STATUSES = ["starting", "running", "stopping", "stopped", "failed"] as const;
export const HEALTH_STATUSES = ["unknown", "healthy", "unhealthy"] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const instances = pgTable("instances", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  releaseId: uuid("release_id").references(() => releases.id, { onDelete: "set null" }),
  processType: text("process_type").notNull().default("web"),
  status: text("status", { enum: INSTANCE_STATUSES }).notNull().default("starting"),
  healthStatus: text("health_status", { enum: HEALTH_STATUSES }).notNull().default("unknown"),
  host: text("host"),
  port: integer("port"),
  pid: integer("pid"),
  cpuPercent: doublePrecision("cpu_percent"),
  memoryBytes: bigint("memory_bytes", { mode: "number" }),
  // The latest full reading (io, network, pids) as the runtime reports it.
  resourceUsage: jsonb("resource_usage").notNull().default({}),
  restartCount: integer("restart_count").notNull().default(0),
  lastHealthCheckAt: at("last_health_check_at"),
  exitReason: text("exit_reason"),
  // 0006: where the runtime put it, so a restarted control plane can find it again.
  runtimeMode: text("runtime_mode", { enum: ["nspawn", "bwrap", "process"] }),
  runtimeRef: text("runtime_ref"),
  healthDetail: text("health_detail"),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  stoppedAt: at("stopped_at"),
});

export type Instance = typeof instances.$inferSelect;
