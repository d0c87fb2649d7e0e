import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { addons } from "./addons.ts";

export const ADDON_HEALTH_STATES = ["healthy", "degraded"] as const;
export type AddonHealthState = (typeof ADDON_HEALTH_STATES)[number];

/** 0029: what the periodic health check last saw of an add-on's server; no row until the first check. */
export const addonHealth = pgTable("addon_health", {
  addonId: uuid("addon_id")
    .primaryKey()
    .references(() => addons.id, { onDelete: "cascade" }),
  state: text("state", { enum: ADDON_HEALTH_STATES }).notNull(),
  reason: text("reason"),
  checkedAt: timestamp("checked_at", { withTimezone: true }).notNull(),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
});

export type AddonHealth = typeof addonHealth.$inferSelect;
