import { boolean, doublePrecision, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

export const scalingPolicies = pgTable("scaling_policies", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  processType: text("process_type").notNull().default("web"),
  enabled: boolean("enabled").notNull().default(false),
  minInstances: integer("min_instances").notNull().default(1),
  maxInstances: integer("max_instances").notNull().default(1),
  targetCpuPercent: doublePrecision("target_cpu_percent"),
  targetMemoryPercent: doublePrecision("target_memory_percent"),
  targetRequestsPerSecond: doublePrecision("target_requests_per_second"),
  cooldownSeconds: integer("cooldown_seconds").notNull().default(300),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ScalingPolicy = typeof scalingPolicies.$inferSelect;
