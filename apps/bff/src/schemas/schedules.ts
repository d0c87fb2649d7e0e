// Scheduled jobs: what adding or changing one takes, and what the API shows of a job and a run.
import { SCHEDULE_OVERLAPS, SCHEDULED_RUN_STATUSES } from "@skypanel/db";
import { SCHEDULED_JOB_MAX_COMMAND_LENGTH, SCHEDULED_JOB_RUNS_KEPT, SCHEDULED_JOB_TIMEOUT_SECONDS } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "./common.ts";

// Shapes only: the engine checks the rules (cron, time zone, control characters) with clear messages.
const jobFields = {
  command: z
    .string()
    .max(SCHEDULED_JOB_MAX_COMMAND_LENGTH)
    .meta({ description: "Run with bash in the app's folder as a detached one-off of the current release; one line." }),
  schedule: z.string().max(200).meta({ description: 'Five cron fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *".' }),
  timezone: z.string().max(64).optional().meta({ description: "The IANA time zone the schedule is read in (default UTC)." }),
  timeoutSeconds: z
    .number()
    .int()
    .min(SCHEDULED_JOB_TIMEOUT_SECONDS.min)
    .max(SCHEDULED_JOB_TIMEOUT_SECONDS.max)
    .optional()
    .meta({ description: `A run is killed after this long and marked timed_out (default ${SCHEDULED_JOB_TIMEOUT_SECONDS.default}).` }),
  overlap: z.enum(SCHEDULE_OVERLAPS).optional().meta({
    description:
      "A run due while the previous one still runs: skip (recorded as skipped, the default), queue (starts when the previous ends; at most one waits), run (starts beside it).",
  }),
  enabled: z.boolean().optional(),
};
const jobName = z.string().min(1).max(100).meta({ description: "The job's name (or id)." });

export const scheduleCreateBody = z.object({
  name: z.string().max(100).meta({ description: "Lowercase letters, digits, - and _." }),
  ...jobFields,
});
export const scheduleUpdateBody = z.object({
  command: jobFields.command.optional(),
  schedule: jobFields.schedule.optional(),
  timezone: jobFields.timezone,
  timeoutSeconds: jobFields.timeoutSeconds,
  overlap: jobFields.overlap,
  enabled: jobFields.enabled,
});
export const scheduleInput = appInput.extend({ name: jobName });
export const scheduleCreateInput = appInput.extend(scheduleCreateBody.shape);
export const scheduleUpdateInput = scheduleInput.extend(scheduleUpdateBody.shape);
export const scheduleRunsQuery = z.object({ limit: z.number().int().min(1).max(SCHEDULED_JOB_RUNS_KEPT).optional() });
export const scheduleRunsInput = scheduleInput.extend(scheduleRunsQuery.shape);
export const schedulePreviewInput = z.object({
  schedule: z.string().max(200),
  timezone: z.string().max(64).optional(),
  count: z.number().int().min(1).max(10).optional(),
});

export const scheduledJobSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  command: z.string(),
  schedule: z.string(),
  timezone: z.string(),
  timeoutSeconds: z.number().int(),
  overlap: z.enum(SCHEDULE_OVERLAPS),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  nextRunsAt: z.array(z.date()).meta({ description: "The next three due times (none while disabled)." }),
});

export const scheduledRunSchema = z.strictObject({
  id: z.string(),
  jobId: z.string(),
  scheduledFor: z.date().nullable().meta({ description: "The due time it ran for; null: started by hand." }),
  status: z.enum(SCHEDULED_RUN_STATUSES),
  reason: z.string().nullable(),
  oneOffId: z.string().nullable().meta({ description: "The one-off that ran it: its log lines have this instanceId." }),
  exitCode: z.number().int().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  durationMs: z.number().int().nullable(),
});
