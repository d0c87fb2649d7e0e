import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type Database, type Job, retryWhileUnreachable } from "@skypanel/db";
import {
  cancelQueuedJob,
  claimJob,
  findJob,
  findOrphanedJobs,
  finishJob,
  heartbeatJobs,
  insertJob,
  requeueJob,
} from "@skypanel/db/queries";

/** Runs one job. Throwing fails it; `signal` aborts when the job is cancelled or times out. */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<unknown>;

export interface JobHandlerSpec {
  run: JobHandler;
  /** Wall-clock limit per attempt. */
  timeoutMs: number;
  /** Called when a job is found orphaned by a restart and will not run again. */
  onAbandoned?: (job: Job, reason: string) => Promise<void>;
  /** Called when an orphaned job is queued to run again. */
  onRequeued?: (job: Job, reason: string) => Promise<void>;
}

export interface QueueOptions {
  db: Database;
  /** How many jobs run at once in this control plane. */
  concurrency: number;
  /** Names this control plane across restarts (host and $SKYPANEL_HOME). */
  hostId?: string;
  pollMs?: number;
  handlers: Record<string, JobHandlerSpec>;
}

export class JobCancelledError extends Error {
  readonly code = "JOB_CANCELLED";
}
export class JobTimedOutError extends Error {
  readonly code = "JOB_TIMED_OUT";
}
/** The control plane is stopping: the job goes back to the queue and runs again at the next start. */
export class JobInterruptedError extends Error {
  readonly code = "JOB_INTERRUPTED";
}

// A peer whose heartbeat is this old is taken to be dead.
const STALE_MS = 60_000;
const HEARTBEAT_MS = 10_000;

/**
 * A durable job queue on the `jobs` table: work survives a control-plane restart (orphans are
 * queued again, up to each job's max attempts), runs at most `concurrency` at a time, and can
 * be cancelled while queued or running.
 */
export function createJobQueue(o: QueueOptions) {
  const hostId = o.hostId ?? hostname();
  const workerId = `${hostId}/${randomBytes(4).toString("hex")}`;
  const running = new Map<string, AbortController>();
  const kinds = Object.keys(o.handlers);
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let stopped = true;
  let pumping = false;
  const idle: (() => void)[] = [];

  async function recover() {
    for (const job of await findOrphanedJobs(o.db, workerId, hostId, new Date(Date.now() - STALE_MS))) {
      const spec = o.handlers[job.kind];
      if (job.attempts < job.maxAttempts) {
        const reason = "the control plane restarted while this ran; running it again";
        await requeueJob(o.db, job.id, reason);
        await spec?.onRequeued?.(job, reason);
      } else {
        // A deployment gets one attempt (a second would run its release command again unasked).
        const reason =
          job.maxAttempts === 1
            ? "the control plane restarted while this ran; it is not run again by itself (start it again)"
            : "the control plane restarted while this ran, and it has no attempts left";
        await finishJob(o.db, job.id, "failed", { error: reason });
        await spec?.onAbandoned?.(job, reason);
      }
    }
  }

  async function execute(job: Job) {
    const spec = o.handlers[job.kind];
    const controller = new AbortController();
    running.set(job.id, controller);
    const timeout = setTimeout(() => controller.abort(new JobTimedOutError(`timed out after ${spec?.timeoutMs} ms`)), spec?.timeoutMs);
    try {
      if (!spec) throw new Error(`no handler for job kind ${job.kind}`);
      const result = await spec.run(job, controller.signal);
      // Finishing sets fixed values, safe to repeat: it waits out a database failover.
      await retryWhileUnreachable(() => finishJob(o.db, job.id, "succeeded", { result }));
    } catch (err) {
      if (controller.signal.reason instanceof JobInterruptedError) {
        await requeueJob(o.db, job.id, "interrupted by a control-plane stop; it runs again at the next start");
        return;
      }
      const cancelled = controller.signal.reason instanceof JobCancelledError;
      await retryWhileUnreachable(() =>
        finishJob(o.db, job.id, cancelled ? "cancelled" : "failed", { error: (err as Error).message?.slice(0, 2000) }),
      );
    } finally {
      clearTimeout(timeout);
      running.delete(job.id);
      if (running.size === 0) for (const resolve of idle.splice(0)) resolve();
      void pump();
    }
  }

  // The pass taking jobs right now; stop() waits for it, so no claim lands after the stop.
  let pumpPass: Promise<void> | null = null;

  function pump(): Promise<void> {
    pumpPass ??= takeJobs().finally(() => {
      pumpPass = null;
    });
    return pumpPass;
  }

  async function takeJobs() {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (!stopped && running.size < o.concurrency) {
        const job = await claimJob(o.db, workerId, kinds);
        if (!job) break;
        void execute(job);
      }
    } catch (err) {
      console.error("[jobs] claiming failed:", err);
    } finally {
      pumping = false;
    }
  }

  return {
    workerId,

    async start() {
      stopped = false;
      await recover();
      timer = setInterval(() => void pump(), o.pollMs ?? 1000);
      heartbeat = setInterval(() => void heartbeatJobs(o.db, [...running.keys()]).catch(() => {}), HEARTBEAT_MS);
      void pump();
    },

    /**
     * Stops taking jobs. Running ones finish, unless `interrupt` is set: then they are stopped
     * and queued again, to run at the next start.
     */
    async stop(options: { interrupt?: boolean } = {}) {
      stopped = true;
      if (timer) clearInterval(timer);
      if (heartbeat) clearInterval(heartbeat);
      // A job claimed by a pass still running is in `running` once the pass ends.
      await pumpPass;
      if (options.interrupt) for (const c of running.values()) c.abort(new JobInterruptedError("the control plane is stopping"));
      if (running.size > 0) await new Promise<void>((resolve) => idle.push(resolve));
    },

    /** Queues a job (in the caller's transaction when given one) and wakes the worker. */
    async enqueue(kind: string, payload: Record<string, unknown>, options: { db?: Database; maxAttempts?: number } = {}) {
      const job = await insertJob(options.db ?? o.db, { kind, payload, maxAttempts: options.maxAttempts ?? 2 });
      setImmediate(() => void pump());
      return job;
    },

    /** Wakes the worker now (after a transaction that enqueued commits). */
    kick() {
      setImmediate(() => void pump());
    },

    /** Cancels a queued job at once, or aborts a running one here. Returns what happened. */
    async cancel(jobId: string): Promise<"cancelled" | "aborting" | "not-running"> {
      if (await cancelQueuedJob(o.db, jobId)) return "cancelled";
      const controller = running.get(jobId);
      if (controller) {
        controller.abort(new JobCancelledError("cancelled by a user"));
        return "aborting";
      }
      return "not-running";
    },

    isRunningHere: (jobId: string) => running.has(jobId),
    find: (jobId: string) => findJob(o.db, jobId),
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
