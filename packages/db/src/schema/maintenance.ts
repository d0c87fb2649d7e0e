import { boolean, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

/** 0033: an app's maintenance mode at the router; no row means not in maintenance. */
export const appMaintenance = pgTable("app_maintenance", {
  appId: uuid("app_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  enabled: boolean("enabled").notNull().default(false),
  /** The HTML visitors get, served as-is; null: the platform's default page naming the app. */
  page: text("page"),
  /** Seconds in the answers' Retry-After header. */
  retryAfterSeconds: integer("retry_after_seconds").notNull().default(60),
  updatedAt: updatedAt(),
});

export type AppMaintenance = typeof appMaintenance.$inferSelect;
