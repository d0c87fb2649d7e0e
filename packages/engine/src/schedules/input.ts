// A job's settings as a user gives them, checked once for the API, the CLI and the dashboard.
import { SCHEDULE_OVERLAPS, type ScheduleOverlap } from "@skypanel/db";
import { ValidationError } from "../errors.ts";
import { parseSchedule } from "./cron.ts";

export const JOB_NAME_RULE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const MAX_COMMAND_LENGTH = 4096;
export const TIMEOUT_SECONDS = { min: 1, max: 86_400, default: 1800 } as const;
export const MAX_JOBS_PER_APP = 50;
/** Runs kept per job; older ones are deleted as new ones are recorded. */
export const RUNS_KEPT = 100;
// Control characters (tab aside) have no place in a one-line command and hide what it does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export interface ScheduledJobInput {
  name?: string | undefined;
  command?: string | undefined;
  schedule?: string | undefined;
  timezone?: string | undefined;
  timeoutSeconds?: number | undefined;
  overlap?: string | undefined;
  enabled?: boolean | undefined;
}

export interface CheckedJob {
  name: string;
  command: string;
  schedule: string;
  timezone: string;
  timeoutSeconds: number;
  overlap: ScheduleOverlap;
  enabled: boolean;
}

export function checkJobName(name: unknown): string {
  if (typeof name !== "string" || !JOB_NAME_RULE.test(name)) {
    throw new ValidationError(
      `"${String(name).slice(0, 64)}" is not a job name: 1–63 lowercase letters, digits, "-" and "_", starting with a letter or digit.`,
    );
  }
  return name;
}

/** The whole job (`current` fills what an update leaves out), or a ValidationError naming the bad value. */
export function checkJob(input: ScheduledJobInput, current?: CheckedJob): CheckedJob {
  const name = checkJobName(input.name ?? current?.name);
  const command = typeof input.command === "string" ? input.command.trim() : (current?.command ?? "");
  if (!command) throw new ValidationError("A scheduled job needs a command, e.g. `bin/cleanup` or `node tasks/report.js`.");
  if (command.length > MAX_COMMAND_LENGTH) throw new ValidationError(`The command is at most ${MAX_COMMAND_LENGTH} characters.`);
  if (CONTROL.test(command)) throw new ValidationError("The command is one line without control characters.");
  const schedule = (input.schedule ?? current?.schedule ?? "").trim().replace(/\s+/g, " ");
  const timezone = input.timezone ?? current?.timezone ?? "UTC";
  parseSchedule(schedule, timezone);
  const timeoutSeconds = input.timeoutSeconds ?? current?.timeoutSeconds ?? TIMEOUT_SECONDS.default;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < TIMEOUT_SECONDS.min || timeoutSeconds > TIMEOUT_SECONDS.max) {
    throw new ValidationError(`The timeout is a whole number of seconds from ${TIMEOUT_SECONDS.min} to ${TIMEOUT_SECONDS.max} (24 h).`);
  }
  const overlap = input.overlap ?? current?.overlap ?? "skip";
  if (!(SCHEDULE_OVERLAPS as readonly string[]).includes(overlap)) {
    throw new ValidationError(`overlap is one of ${SCHEDULE_OVERLAPS.join(", ")}.`);
  }
  const enabled = input.enabled ?? current?.enabled ?? true;
  if (typeof enabled !== "boolean") throw new ValidationError("enabled is true or false.");
  return { name, command, schedule, timezone, timeoutSeconds, overlap: overlap as ScheduleOverlap, enabled };
}
