import { sql } from "drizzle-orm";
import { bigint, bigserial, customType, integer, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { at, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

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
  /** 0016: the HTTP status of an access line, read when it was written (engine logs/http-status.ts). */
  status: smallint("status"),
  /** 0016: the line's words for search (GIN-indexed); the engine's logs/search-sql.ts says how they are read. */
  search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('simple', translate(line, '/.@:<>', '      '))`),
});

export type AppLogLine = typeof appLogs.$inferSelect;

/** 0016: an app's own log retention; an app without a row keeps the platform's defaults. */
export const appLogRetention = pgTable("app_log_retention", {
  appId: uuid("app_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  /** Lines older than this many days are deleted (1–365). */
  days: integer("days").notNull(),
  /** The newest lines are kept up to this many bytes of text (1 MiB–100 GiB). */
  maxBytes: bigint("max_bytes", { mode: "number" }).notNull(),
  updatedAt: updatedAt(),
});

export type AppLogRetention = typeof appLogRetention.$inferSelect;
