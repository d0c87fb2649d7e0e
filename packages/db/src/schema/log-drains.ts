import { bigint, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { encryptionKeys } from "./config.ts";
import { users } from "./users.ts";

/** Where a drain sends: declared once here and imported by the engine, the BFF and the dashboard. */
export const LOG_DRAIN_KINDS = ["syslog-tls", "https"] as const;
export type LogDrainKind = (typeof LOG_DRAIN_KINDS)[number];

/** 0017: an app's log drain; its URL (which may carry a token) is sealed, `redactedUrl` is what is shown. */
export const logDrains = pgTable("log_drains", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  kind: text("kind", { enum: LOG_DRAIN_KINDS }).notNull(),
  url: bytea("url").notNull(),
  urlNonce: bytea("url_nonce").notNull(),
  urlKeyId: text("url_key_id")
    .notNull()
    .references(() => encryptionKeys.id),
  redactedUrl: text("redacted_url").notNull(),
  deliveredCount: bigint("delivered_count", { mode: "number" }).notNull().default(0),
  deadLetterCount: bigint("dead_letter_count", { mode: "number" }).notNull().default(0),
  droppedCount: bigint("dropped_count", { mode: "number" }).notNull().default(0),
  lastError: text("last_error"),
  lastErrorAt: at("last_error_at"),
  lastDeliveredAt: at("last_delivered_at"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
});

export type LogDrainRow = typeof logDrains.$inferSelect;
