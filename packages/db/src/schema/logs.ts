import { bigserial, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";

/** App output and platform events about an app; partitioned by day in the database. */
export const appLogs = pgTable("app_logs", {
  id: bigserial("id", { mode: "number" }).notNull(),
  appId: uuid("app_id").notNull(),
  instanceId: uuid("instance_id"),
  processType: text("process_type"),
  /** "app" for process output, "platform" for deploys, restarts, health changes. */
  source: text("source").notNull().default("app"),
  stream: text("stream", { enum: ["stdout", "stderr", "system"] })
    .notNull()
    .default("stdout"),
  level: text("level", { enum: ["debug", "info", "warn", "error"] })
    .notNull()
    .default("info"),
  line: text("line").notNull(),
  loggedAt: at("logged_at").notNull().defaultNow(),
});

export type AppLogLine = typeof appLogs.$inferSelect;
