import { bigint, bigserial, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt } from "./_columns.ts";

// Written by database triggers (row changes) and by the engine (logins, token use).
// Deliberately no foreign keys: the trail outlives the rows it describes.
// 0023: append-only and hash-chained; the chain trigger fills seq, prevHash and hash on insert
// (whatever a writer sends for them is replaced, so the placeholders below never reach a row).
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
  /** 1, 2, 3… in chain order, no gaps (retention removes only from the start). */
  seq: bigint("seq", { mode: "number" })
    .notNull()
    .$defaultFn(() => 0),
  /** The previous row's hash; null only for the very first row ever written. */
  prevHash: text("prev_hash"),
  /** sha256 (hex) over this row's fields and prevHash (skypanel_audit_row_hash in 0023). */
  hash: text("hash")
    .notNull()
    .$defaultFn(() => ""),
});

export type AuditEntry = typeof auditLog.$inferSelect;

/** Where retention cut the chain: the last deleted row's seq and hash; verification starts after the newest. */
export const auditLogAnchors = pgTable("audit_log_anchors", {
  seq: bigint("seq", { mode: "number" }).primaryKey(),
  hash: text("hash").notNull(),
  rowsDeleted: bigint("rows_deleted", { mode: "number" }).notNull(),
  sweptAt: at("swept_at").notNull().defaultNow(),
});
