import { bigserial, boolean, doublePrecision, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";
import { encryptionKeys } from "./config.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

/** What a rule watches; declared once here and imported by the engine, the BFF and the dashboard. */
export const ALERT_KINDS = [
  "latency_p95",
  "error_rate_5xx",
  "memory",
  "crash_loop",
  "instance_down",
  "deploy_failed",
  "certificate",
  "autoscaler_max",
  "scheduled_job_failed",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_CHANNEL_TYPES = ["webhook", "email", "slack"] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

export const ALERT_STATES = ["firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** What one channel answered to one notice. */
export interface AlertDelivery {
  channelId: string;
  name: string;
  type: AlertChannelType;
  ok: boolean;
  attempts: number;
  error?: string;
  at: string;
}

/** 0019: a team's place to send notices; its target and secrets are sealed in `config`. */
export const alertChannels = pgTable("alert_channels", {
  id: id(),
  teamId: uuid("team_id")
    .notNull()
    .references(() => teams.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  type: text("type", { enum: ALERT_CHANNEL_TYPES }).notNull(),
  summary: text("summary").notNull().default(""),
  config: bytea("config").notNull(),
  configNonce: bytea("config_nonce").notNull(),
  configKeyId: text("config_key_id")
    .notNull()
    .references(() => encryptionKeys.id),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** 0019: one condition on an app and the channels told when it fires and resolves. */
export const alertRules = pgTable("alert_rules", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  kind: text("kind", { enum: ALERT_KINDS }).notNull(),
  threshold: doublePrecision("threshold"),
  durationSeconds: integer("duration_seconds").notNull().default(300),
  enabled: boolean("enabled").notNull().default(true),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const alertRuleChannels = pgTable(
  "alert_rule_channels",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => alertChannels.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.channelId] })],
);

/** 0019: a rule firing or resolving; the newest event of a rule is its state. */
export const alertEvents = pgTable("alert_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  ruleId: uuid("rule_id").references(() => alertRules.id, { onDelete: "set null" }),
  kind: text("kind", { enum: ALERT_KINDS }).notNull(),
  state: text("state", { enum: ALERT_STATES }).notNull(),
  value: doublePrecision("value"),
  message: text("message").notNull(),
  deliveries: jsonb("deliveries").$type<AlertDelivery[]>().notNull().default([]),
  at: at("at").notNull().defaultNow(),
});

export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertEvent = typeof alertEvents.$inferSelect;
