// The leader's loop: every pass reads each enabled job, finds its latest due time after where it
// left off (its latest recorded due time, or its last change), and hands it to the runner. The
// time is deps.now(), so a test can drive the clock. Where a job left off is read from its
// recorded runs, so a restarted control plane never runs a due time again; after downtime only
// the latest missed due time runs (once), earlier ones are dropped.
import type { Database } from "@skypanel/db";
import { endUnfinishedScheduledRuns, lastScheduledFor, listEnabledScheduledJobs } from "@skypanel/db/queries";
import { latestDue, parseSchedule } from "./cron.ts";
import type { Runner } from "./runner.ts";

export const DEFAULT_SCHEDULER_INTERVAL_MS = 10_000;

export interface SchedulerDeps {
  db: Database;
  now: () => Date;
  runner: Runner;
  intervalMs?: number;
  onError: (err: unknown) => void;
}

export function createScheduler(d: SchedulerDeps) {
  let timer: NodeJS.Timeout | null = null;
  let passes: Promise<void> = Promise.resolve();

  async function pass() {
    const jobs = await listEnabledScheduledJobs(d.db);
    const last = await lastScheduledFor(
      d.db,
      jobs.map((j) => j.id),
    );
    const now = d.now();
    for (const job of jobs) {
      try {
        const after = Math.max(last.get(job.id)?.getTime() ?? 0, job.updatedAt.getTime());
        const due = latestDue(parseSchedule(job.schedule, job.timezone), new Date(after), now);
        if (due) await d.runner.due(job, due);
      } catch (err) {
        d.onError(err);
      }
    }
  }

  /** One pass, after any pass still going. */
  function tick(): Promise<void> {
    passes = passes.then(pass).catch(d.onError);
    return passes;
  }

  return {
    tick,
    /** At leadership: runs an earlier control plane left running ended with it; then a pass now and every interval. */
    async start() {
      if (timer) return;
      await endUnfinishedScheduledRuns(d.db, "the control plane restarted while it ran", new Date());
      timer = setInterval(() => void tick(), d.intervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS);
      timer.unref();
      void tick();
    },
    /** Stops passing; runs already started go on (the one-offs' own stop ends them). */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await passes;
    },
    get started() {
      return timer !== null;
    },
  };
}
