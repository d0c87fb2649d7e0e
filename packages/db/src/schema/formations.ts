import { doublePrecision, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

/** How many instances of each process type should run, and with what limits (`web=3 worker=1`). */
export const formations = pgTable("formations", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  processType: text("process_type").notNull(),
  quantity: integer("quantity").notNull().default(1),
  memoryMb: integer("memory_mb").notNull().default(512),
  cpuQuota: doublePrecision("cpu_quota").notNull().default(1),
  maxProcs: integer("max_procs").notNull().default(256),
  /** The user's health check settings for this process type; null: the defaults. */
  healthCheck: jsonb("health_check"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Formation = typeof formations.$inferSelect;
