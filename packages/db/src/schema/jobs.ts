import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./_columns.ts";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

// Durable long work (builds, deploys, provisioning): survives a control-plane restart.
export const jobs = pgTable("jobs", {
  id: id(),
  kind: text("kind").notNull(),
  status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
  payload: jsonb("payload").notNull().default({}),
  result: jsonb("result"),
  error: text("error"),
  attempts: integer("attempts").notNull().default(0),
  maxAttempts: integer("max_attempts").notNull().default(1),
  runAt: at("run_at").notNull().defaultNow(),
  lockedBy: text("locked_by"),
  lockedAt: at("locked_at"),
  heartbeatAt: at("heartbeat_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Job = typeof jobs.$inferSelect;
