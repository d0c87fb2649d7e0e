// One drain's delivery: a bounded queue in memory (the oldest lines go, counted, when it is full),
// batches of bounded size and age, retries with exponential backoff, then the batch is given up
// (dead-lettered, counted, with the error). Each drain runs on its own, so a slow or dead one
// holds up nothing but itself; `push` never waits.
import type { LogDrainProgress } from "@skypanel/db/queries";
import type { DrainLine } from "./format.ts";
import type { DrainSender } from "./senders.ts";

export interface DeliveryOptions {
  /** Lines waiting per drain before the oldest are dropped (default 10,000). */
  queueLimit: number;
  /** Lines per batch at most (default 500). */
  batchLines: number;
  /** How long the first line of a batch waits for more (default 1 s). */
  batchMs: number;
  /** Tries per batch before it is dead-lettered (default 5). */
  attempts: number;
  /** Wait before the first retry, doubling each time (default 1 s) up to `maxBackoffMs` (default 30 s). */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  queueLimit: 10_000,
  batchLines: 500,
  batchMs: 1000,
  attempts: 5,
  backoffMs: 1000,
  maxBackoffMs: 30_000,
};

/** Errors are shown to users and kept on the row: one line, bounded. */
const MAX_ERROR = 500;

export const emptyProgress = (): LogDrainProgress => ({
  delivered: 0,
  deadLettered: 0,
  dropped: 0,
  lastError: null,
  lastErrorAt: null,
  lastDeliveredAt: null,
});

export interface DrainWorker {
  push(line: DrainLine): void;
  /** Lines waiting now. */
  queued(): number;
  connected(): boolean | null;
  /** What happened since the last call (and resets it); `peek` leaves it. */
  takeProgress(): LogDrainProgress;
  peekProgress(): LogDrainProgress;
  /** Gives `p` back after it could not be stored, so nothing is lost from the counts. */
  returnProgress(p: LogDrainProgress): void;
  /** Stops at once: waiting lines are counted as dropped; a batch being sent is abandoned. */
  stop(): Promise<void>;
}

export function createDrainWorker(sender: DrainSender, o: DeliveryOptions, now: () => Date = () => new Date()): DrainWorker {
  // A queue with a moving head: dropping the oldest of 10,000 lines is not a copy of the rest.
  let items: DrainLine[] = [];
  let head = 0;
  let oldestAt = 0;
  let stopped = false;
  let progress = emptyProgress();
  // The loop's one wait at a time: for lines (a push ends it) or a retry's backoff (only stop ends it).
  let waiting: { resolve: () => void; forLines: boolean } | null = null;
  const size = () => items.length - head;
  const wake = (lines: boolean) => {
    if (!waiting || (lines && !waiting.forLines)) return;
    const w = waiting;
    waiting = null;
    w.resolve();
  };
  const nap = (ms: number, forLines: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waiting = null;
        resolve();
      }, ms);
      // An idle drain does not keep the process alive; stop() ends the loop.
      timer.unref();
      waiting = {
        forLines,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });

  function take(): DrainLine[] {
    const batch = items.slice(head, head + o.batchLines);
    head += batch.length;
    if (head >= items.length) {
      items = [];
      head = 0;
    } else if (head > 4096 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    oldestAt = size() > 0 ? Date.now() : 0;
    return batch;
  }

  function failed(err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    progress.lastError = message.replace(/\s+/g, " ").slice(0, MAX_ERROR) || "unknown error";
    progress.lastErrorAt = now();
  }

  async function deliver(batch: DrainLine[]) {
    for (let attempt = 1; attempt <= o.attempts && !stopped; attempt++) {
      try {
        await sender.send(batch);
        progress.delivered += batch.length;
        progress.lastDeliveredAt = now();
        return;
      } catch (err) {
        // Stopping closes the connection under the send; that is not the drain's failure.
        if (stopped) break;
        failed(err);
        if (attempt < o.attempts) await nap(Math.min(o.backoffMs * 2 ** (attempt - 1), o.maxBackoffMs), false);
      }
    }
    if (stopped) progress.dropped += batch.length;
    else progress.deadLettered += batch.length;
  }

  async function run() {
    while (!stopped) {
      if (size() === 0) await nap(60_000, true);
      else if (size() < o.batchLines) {
        const waited = Date.now() - oldestAt;
        if (waited < o.batchMs) await nap(o.batchMs - waited, true);
      }
      if (stopped || size() === 0) continue;
      await deliver(take());
    }
  }
  const running = run();

  return {
    push(line) {
      if (stopped) return;
      if (size() >= o.queueLimit) {
        head++;
        progress.dropped++;
      }
      if (size() === 0) oldestAt = Date.now();
      items.push(line);
      if (size() === 1 || size() >= o.batchLines) wake(true);
    },
    queued: size,
    connected: () => sender.connected(),
    takeProgress() {
      const p = progress;
      progress = emptyProgress();
      return p;
    },
    peekProgress: () => ({ ...progress }),
    returnProgress(p) {
      progress.delivered += p.delivered;
      progress.deadLettered += p.deadLettered;
      progress.dropped += p.dropped;
      if (p.lastError !== null && progress.lastError === null) {
        progress.lastError = p.lastError;
        progress.lastErrorAt = p.lastErrorAt;
      }
      progress.lastDeliveredAt ??= p.lastDeliveredAt;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      progress.dropped += size();
      items = [];
      head = 0;
      sender.close();
      wake(false);
      await running;
    },
  };
}
