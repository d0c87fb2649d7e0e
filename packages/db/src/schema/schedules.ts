import { boolean, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";
import { oneOffProcesses } from "./one-offs.ts";
import { users } from "./users.ts";

/** What happens to a run due while the job's previous run still runs. */
export const SCHEDULE_OVERLAPS = ["skip", "queue", "run"] as const;
export type ScheduleOverlap = (typeof SCHEDULE_OVERLAPS)[number];

export const SCHEDULED_RUN_STATUSES = ["queued", "running", "succeeded", "failed", "timed_out", "skipped"] as const;
export type ScheduledRunStatus = (typeof SCHEDULED_RUN_STATUSES)[number];

/** 0032: a command run as a one-off of the app's current release on a cron schedule. */
export const scheduledJobs = pgTable("scheduled_jobs", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  command: text("command").notNull(),
  schedule: text("schedule").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  timeoutSeconds: integer("timeout_seconds").notNull().default(1800),
  overlap: text("overlap", { enum: SCHEDULE_OVERLAPS }).notNull().default("skip"),
  enabled: boolean("enabled").notNull().default(true),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  /** Due times at or before the job's last change never run (no catching up on old settings). */
  updatedAt: updatedAt(),
});

/** 0032: one due time of a job (or a "run now"), and how its one-off ended. */
export const scheduledJobRuns = pgTable("scheduled_job_runs", {
  id: id(),
  jobId: uuid("job_id")
    .notNull()
    .references(() => scheduledJobs.id, { onDelete: "cascade" }),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  /** The cron due time; null: started by hand. */
  scheduledFor: at("scheduled_for"),
  status: text("status", { enum: SCHEDULED_RUN_STATUSES }).notNull(),
  reason: text("reason"),
  oneOffId: uuid("one_off_id").references(() => oneOffProcesses.id, { onDelete: "set null" }),
  exitCode: integer("exit_code"),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  finishedAt: at("finished_at"),
});

export type ScheduledJob = typeof scheduledJobs.$inferSelect;
export type ScheduledJobRun = typeof scheduledJobRuns.$inferSelect;
