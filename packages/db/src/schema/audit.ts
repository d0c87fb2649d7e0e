import { bigserial, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./_columns.ts";

// Written by database triggers (row changes) and by the engine (logins, token use).
// Deliberately no foreign keys: the trail outlives the rows it describes.
export const auditLog = pgTable("audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  actorId: uuid("actor_id"),
  teamId: uuid("team_id"),
  appId: uuid("app_id"),
  action: text("action").notNull(),
  targetType: text("target_type").notNull(),
  targetId: text("target_id"),
  details: jsonb("details").notNull().default({}),
  ip: text("ip"),
  createdAt: createdAt(),
});

export type AuditEntry = typeof auditLog.$inferSelect;
