import { boolean, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { releases } from "./releases.ts";
import { users } from "./users.ts";

export const ONE_OFF_STATUSES = ["starting", "running", "succeeded", "failed", "stopped", "timed_out"] as const;
export type OneOffStatus = (typeof ONE_OFF_STATUSES)[number];

/** 0013: `skypanel run`: a command run once in an instance of the app's current release. */
export const oneOffProcesses = pgTable("one_off_processes", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  releaseId: uuid("release_id").references(() => releases.id, { onDelete: "set null" }),
  /** run.1, run.2… per app. */
  number: integer("number").notNull(),
  command: text("command").notNull(),
  attach: boolean("attach").notNull(),
  status: text("status", { enum: ONE_OFF_STATUSES }).notNull().default("starting"),
  exitCode: integer("exit_code"),
  exitReason: text("exit_reason"),
  timeoutSeconds: integer("timeout_seconds").notNull(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  finishedAt: at("finished_at"),
});

export type OneOffProcess = typeof oneOffProcesses.$inferSelect;
