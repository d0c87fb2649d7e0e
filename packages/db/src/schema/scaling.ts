import { bigserial, boolean, doublePrecision, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

/** What a policy scales on: CPU and memory in % of the limit, requests per second per instance, p95 in ms, or a value pushed through the API. */
export const AUTOSCALE_METRICS = ["cpu", "memory", "rps", "p95", "custom"] as const;
export type AutoscaleMetric = (typeof AUTOSCALE_METRICS)[number];

/** A cron schedule (in a time zone) whose window, `durationSeconds` from each firing, overrides the policy's bounds. */
export interface ScalingSchedule {
  cron: string;
  timeZone: string;
  durationSeconds: number;
  /** Null: the policy's own bound applies inside the window. */
  minInstances: number | null;
  maxInstances: number | null;
}

export const scalingPolicies = pgTable("scaling_policies", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  processType: text("process_type").notNull().default("web"),
  enabled: boolean("enabled").notNull().default(false),
  minInstances: integer("min_instances").notNull().default(1),
  maxInstances: integer("max_instances").notNull().default(1),
  metric: text("metric").$type<AutoscaleMetric>().notNull().default("cpu"),
  target: doublePrecision("target"),
  /** Scale-down waits this long, acting on the highest recommendation seen over it. */
  stabilizationSeconds: integer("stabilization_seconds").notNull().default(300),
  schedules: jsonb("schedules").$type<ScalingSchedule[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ScalingPolicy = typeof scalingPolicies.$inferSelect;

export const AUTOSCALE_EVENT_KINDS = ["scale_up", "scale_down", "at_max", "stale", "no_data"] as const;
export type AutoscaleEventKind = (typeof AUTOSCALE_EVENT_KINDS)[number];

/** The autoscaler's decisions and notices, newest last; written by the platform. */
export const autoscaleEvents = pgTable("autoscale_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  processType: text("process_type").notNull(),
  metric: text("metric").$type<AutoscaleMetric>().notNull(),
  value: doublePrecision("value"),
  target: doublePrecision("target"),
  fromQuantity: integer("from_quantity").notNull(),
  toQuantity: integer("to_quantity").notNull(),
  kind: text("kind").$type<AutoscaleEventKind>().notNull(),
  reason: text("reason").notNull(),
  at: at("at").notNull().defaultNow(),
});

export type AutoscaleEvent = typeof autoscaleEvents.$inferSelect;
