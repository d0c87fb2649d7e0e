// Starting a job's runs and recording how they end. A run is a detached one-off of the app's
// current release (its output in the app's logs). Work on one job is done one step after
// another, so a due time and the end of the previous run never decide the overlap together.
import type { Database, OneOffProcess, ScheduledJob, ScheduledJobRun, ScheduledRunStatus } from "@skypanel/db";
import { activeScheduledRuns, findAppById, insertScheduledRun, pruneScheduledRuns, updateScheduledRun } from "@skypanel/db/queries";
import type { EventBus } from "../events/index.ts";
import type { OneOffs } from "../one-offs/index.ts";
import { RUNS_KEPT } from "./input.ts";

export interface RunnerDeps {
  db: Database;
  bus: EventBus;
  oneOffs: OneOffs;
  onError: (err: unknown) => void;
}

export function createRunner(d: RunnerDeps) {
  const chains = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();

  /** Runs `step` after the job's previous step, never beside it. */
  function serial<T>(jobId: string, step: () => Promise<T>): Promise<T> {
    const next = (chains.get(jobId) ?? Promise.resolve()).catch(() => {}).then(step);
    chains.set(jobId, next);
    void next
      .finally(() => {
        if (chains.get(jobId) === next) chains.delete(jobId);
      })
      .catch(() => {});
    return next;
  }

  function announce(run: ScheduledJobRun) {
    d.bus.publish({ type: "scheduled-run.updated", appId: run.appId, jobId: run.jobId, runId: run.id, status: run.status });
  }

  async function record(job: ScheduledJob, scheduledFor: Date | null, status: ScheduledRunStatus, reason: string | null) {
    const ended = status === "skipped" ? new Date() : null;
    const run = await insertScheduledRun(d.db, { jobId: job.id, appId: job.appId, scheduledFor, status, reason, finishedAt: ended });
    if (run) {
      announce(run);
      await pruneScheduledRuns(d.db, job.id, RUNS_KEPT);
    }
    return run;
  }

  /** Starts a run row's one-off; one that cannot start is recorded as failed, saying why. */
  async function launch(job: ScheduledJob, run: ScheduledJobRun): Promise<ScheduledJobRun> {
    const startedAt = new Date();
    let started: Awaited<ReturnType<OneOffs["startScheduled"]>>;
    try {
      const app = await findAppById(d.db, job.appId);
      if (!app) throw new Error("the app is gone");
      started = await d.oneOffs.startScheduled(app, { command: job.command, timeoutSeconds: job.timeoutSeconds });
    } catch (err) {
      return finish(run, { status: "failed", reason: `did not start: ${(err as Error).message}`, exitCode: null, startedAt });
    }
    const running =
      (await updateScheduledRun(d.db, run.id, { status: "running", oneOffId: started.oneOff.id, startedAt, reason: null })) ?? run;
    announce(running);
    const ended = started.ended
      .then((oneOff) => serial(job.id, () => ended_(job, running, oneOff)))
      .catch(d.onError)
      .finally(() => inFlight.delete(ended));
    inFlight.add(ended);
    return running;
  }

  async function finish(
    run: ScheduledJobRun,
    v: { status: ScheduledRunStatus; reason: string | null; exitCode: number | null; startedAt?: Date },
  ): Promise<ScheduledJobRun> {
    const done = (await updateScheduledRun(d.db, run.id, { ...v, finishedAt: new Date() })) ?? { ...run, ...v };
    announce(done);
    return done;
  }

  /** A run's one-off ended: its outcome, then the queued run (if any) starts. */
  async function ended_(job: ScheduledJob, run: ScheduledJobRun, oneOff: OneOffProcess) {
    const status: ScheduledRunStatus = oneOff.status === "succeeded" ? "succeeded" : oneOff.status === "timed_out" ? "timed_out" : "failed";
    await finish(run, { status, reason: oneOff.exitReason, exitCode: oneOff.exitCode });
    const active = await activeScheduledRuns(d.db, job.id);
    const queued = active.find((r) => r.status === "queued");
    if (queued && !active.some((r) => r.status === "running")) await launch(job, queued);
  }

  return {
    /**
     * A due time of the job: started, queued or skipped by the job's overlap setting; nothing when
     * the due time was recorded before (by an earlier pass or control plane).
     */
    due(job: ScheduledJob, scheduledFor: Date): Promise<ScheduledJobRun | null> {
      return serial(job.id, async () => {
        const active = await activeScheduledRuns(d.db, job.id);
        const running = active.filter((r) => r.status === "running");
        if (running.length > 0 && job.overlap === "skip") {
          return record(job, scheduledFor, "skipped", "the previous run was still running");
        }
        if (running.length > 0 && job.overlap === "queue") {
          return active.some((r) => r.status === "queued")
            ? record(job, scheduledFor, "skipped", "a run was already queued behind the running one")
            : record(job, scheduledFor, "queued", "waits for the running run to end");
        }
        const run = await record(job, scheduledFor, "running", null);
        return run ? launch(job, run) : null;
      });
    },

    /** "Run now": starts at once, beside any running run (a person asked for it). */
    now(job: ScheduledJob): Promise<ScheduledJobRun> {
      return serial(job.id, async () => {
        const run = await record(job, null, "running", null);
        if (!run) throw new Error("the run was not recorded");
        return launch(job, run);
      });
    },

    /** Waits until every started run has ended and been recorded. */
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await Promise.allSettled([...chains.values()]);
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
