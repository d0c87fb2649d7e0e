// Scheduled jobs (Heroku Scheduler's job): per app, a command run as a one-off process of the
// current release on a cron schedule in a time zone, with a timeout and an overlap setting, and
// the history of its runs. Jobs are app data (read: viewer, change: member). Runs need a
// runtime; a platform without one still keeps jobs and says so.
import type { ScheduledJob, ScheduledJobRun } from "@skypanel/db";
import {
  countScheduledJobs,
  deleteScheduledJob,
  findScheduledJobById,
  findScheduledJobByName,
  insertScheduledJob,
  isUuid,
  listScheduledJobs,
  listScheduledRuns,
  updateScheduledJob,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { EventBus } from "../events/index.ts";
import type { OneOffs } from "../one-offs/index.ts";
import { nextDueTimes, parseSchedule } from "./cron.ts";
import { type CheckedJob, checkJob, MAX_JOBS_PER_APP, RUNS_KEPT, type ScheduledJobInput } from "./input.ts";
import { createRunner } from "./runner.ts";
import { createScheduler } from "./scheduler.ts";

export const NEXT_RUNS_SHOWN = 3;
export const MAX_PREVIEW = 10;

export class ScheduledJobNotFoundError extends EngineError {
  constructor(name: string) {
    super("NOT_FOUND", `This app has no scheduled job "${name.slice(0, 64)}".`);
  }
}

/** A job as the API shows it, with its next due times (none while disabled). */
export function jobView(job: ScheduledJob, now: Date) {
  return {
    id: job.id,
    name: job.name,
    command: job.command,
    schedule: job.schedule,
    timezone: job.timezone,
    timeoutSeconds: job.timeoutSeconds,
    overlap: job.overlap,
    enabled: job.enabled,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    nextRunsAt: job.enabled ? nextDueTimes(parseSchedule(job.schedule, job.timezone), now, NEXT_RUNS_SHOWN) : [],
  };
}
export type ScheduledJobView = ReturnType<typeof jobView>;

/** A run as the API shows it; `oneOffId` reads its log lines (instanceId in the app's logs). */
export function runView(run: ScheduledJobRun) {
  return {
    id: run.id,
    jobId: run.jobId,
    scheduledFor: run.scheduledFor,
    status: run.status,
    reason: run.reason,
    oneOffId: run.oneOffId,
    exitCode: run.exitCode,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
  };
}
export type ScheduledRunView = ReturnType<typeof runView>;

export interface SchedulesOptions {
  bus: EventBus;
  oneOffs: OneOffs;
  runtimeEnabled: boolean;
  /** How often the scheduler looks for due jobs (default 10 s). */
  intervalMs?: number;
}

export function createSchedules(deps: EngineDeps, apps: Apps, o: SchedulesOptions) {
  const { db } = deps;
  const onError = (err: unknown) => console.error("[schedules]", err);
  const runner = createRunner({ db, bus: o.bus, oneOffs: o.oneOffs, onError });
  const scheduler = createScheduler({ db, now: deps.now, runner, intervalMs: o.intervalMs, onError });

  async function jobOf(actor: Actor, appRef: string, name: string, permission: "read" | "write", what: string) {
    const { app } = await apps.resolve(actor, appRef, permission, what);
    const byId = isUuid(name) ? await findScheduledJobById(db, name) : null;
    const job = byId?.appId === app.id ? byId : await findScheduledJobByName(db, app.id, name);
    if (!job) throw new ScheduledJobNotFoundError(name);
    return { app, job };
  }

  return {
    /** Whether runs can happen here (a platform without a runtime keeps jobs but runs none). */
    runtimeEnabled: o.runtimeEnabled,

    async list(actor: Actor, appRef: string): Promise<ScheduledJobView[]> {
      const { app } = await apps.resolve(actor, appRef, "read", "viewing scheduled jobs");
      const now = deps.now();
      return (await listScheduledJobs(db, app.id)).map((j) => jobView(j, now));
    },

    async get(actor: Actor, appRef: string, name: string): Promise<ScheduledJobView> {
      const { job } = await jobOf(actor, appRef, name, "read", "viewing scheduled jobs");
      return jobView(job, deps.now());
    },

    async create(actor: Actor, appRef: string, input: ScheduledJobInput): Promise<ScheduledJobView> {
      const { app } = await apps.resolve(actor, appRef, "write", "adding scheduled jobs");
      const job = checkJob(input);
      const now = deps.now();
      const row = await withActor(db, actor, async (tx) => {
        if ((await countScheduledJobs(tx, app.id)) >= MAX_JOBS_PER_APP) {
          throw new ValidationError(`An app has at most ${MAX_JOBS_PER_APP} scheduled jobs.`);
        }
        if (await findScheduledJobByName(tx, app.id, job.name)) {
          throw new EngineError("CONFLICT", `${app.name} already has a scheduled job named "${job.name}".`);
        }
        return insertScheduledJob(tx, { appId: app.id, ...job, createdBy: actor.userId, createdAt: now, updatedAt: now });
      });
      return jobView(row, now);
    },

    /** Changes what is given; due times before the change are not run (the schedule starts afresh). */
    async update(actor: Actor, appRef: string, name: string, input: Omit<ScheduledJobInput, "name">): Promise<ScheduledJobView> {
      const { job } = await jobOf(actor, appRef, name, "write", "changing scheduled jobs");
      const checked = checkJob({ ...input, name: job.name }, job as CheckedJob);
      const now = deps.now();
      const row = await withActor(db, actor, (tx) => updateScheduledJob(tx, job.id, { ...checked, updatedAt: now }));
      if (!row) throw new ScheduledJobNotFoundError(name);
      return jobView(row, now);
    },

    /** Removes the job and its history; a run going on runs to its end. */
    async remove(actor: Actor, appRef: string, name: string): Promise<{ id: string; name: string }> {
      const { job } = await jobOf(actor, appRef, name, "write", "removing scheduled jobs");
      if (!(await withActor(db, actor, (tx) => deleteScheduledJob(tx, job.id)))) throw new ScheduledJobNotFoundError(name);
      return { id: job.id, name: job.name };
    },

    /** The job's runs, newest first (the newest RUNS_KEPT are kept). */
    async runs(actor: Actor, appRef: string, name: string, q: { limit?: number | undefined } = {}): Promise<ScheduledRunView[]> {
      const { job } = await jobOf(actor, appRef, name, "read", "viewing scheduled jobs");
      const limit = q.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > RUNS_KEPT)
        throw new ValidationError(`limit is a whole number from 1 to ${RUNS_KEPT}.`);
      return (await listScheduledRuns(db, job.id, limit)).map(runView);
    },

    /** Starts a run now, beside any run going on. */
    async runNow(actor: Actor, appRef: string, name: string): Promise<ScheduledRunView> {
      const { app, job } = await jobOf(actor, appRef, name, "write", "running scheduled jobs");
      if (!o.runtimeEnabled) {
        throw new EngineError("PRECONDITION_FAILED", "This platform runs no apps (no runtime): scheduled jobs are kept but cannot run.");
      }
      if (!app.currentReleaseId) throw new EngineError("PRECONDITION_FAILED", `${app.name} has no release to run yet: deploy it first.`);
      return runView(await runner.now(job));
    },

    /** The next due times of a schedule, for the dashboard's form (no app involved). */
    preview(schedule: string, timezone = "UTC", count = 5): Date[] {
      if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW) throw new ValidationError(`count is from 1 to ${MAX_PREVIEW}.`);
      return nextDueTimes(parseSchedule(schedule, timezone), deps.now(), count);
    },

    /** The leader's loop (engine.ts starts it only where apps run) and what tests drive. */
    scheduler: {
      tick: scheduler.tick,
      start: scheduler.start,
      stop: scheduler.stop,
      /** Waits for started runs to end and be recorded. */
      settled: runner.settled,
    },
  };
}

export type Schedules = ReturnType<typeof createSchedules>;
