import { pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";

// Which control plane leads (runs the job queue, the reconcilers and the schedulers) when several
// share this database: one row per lease, held until `expires_at` unless renewed by its holder.
export const controlPlaneLeases = pgTable("control_plane_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: at("expires_at").notNull(),
  acquiredAt: at("acquired_at").notNull().defaultNow(),
  renewedAt: at("renewed_at").notNull().defaultNow(),
});

export type ControlPlaneLease = typeof controlPlaneLeases.$inferSelect;
