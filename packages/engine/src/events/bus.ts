import { EventEmitter } from "node:events";
import { createReplayBuffer } from "./replay.ts";

/** What the engine announces as it happens; the BFF turns these into live updates. */
export type PlatformEvent =
  | { type: "build.updated"; appId: string; buildId: string; status: string; stage: string | null }
  | { type: "build.log"; appId: string; buildId: string; line: number; text: string }
  | { type: "app.log"; appId: string; entry: AppLogEntry }
  | { type: "deployment.updated"; appId: string; deploymentId: string; status: string }
  | { type: "instance.updated"; appId: string; instanceId: string; status: string; health: string }
  | { type: "one-off.updated"; appId: string; oneOffId: string; status: string }
  /** A scheduled job's run was recorded or moved on (queued, running, ended, skipped). */
  | { type: "scheduled-run.updated"; appId: string; jobId: string; runId: string; status: string }
  | { type: "formation.updated"; appId: string; processes: { processType: string; quantity: number }[] }
  | { type: "metrics.tick"; appId: string; sampledAt: Date }
  /** An add-on of the app (owned or attached) changed: made, attached, detached, destroyed, a backup or restore moved on. */
  | { type: "addon.updated"; appId: string; addonId: string }
  /** The app's maintenance mode was turned on or off, or its page or Retry-After changed (the router serves it already). */
  | { type: "maintenance.updated"; appId: string; enabled: boolean }
  /**
   * The autoscaler's decision for one process type; `atMax`: it wants more instances than the
   * policy's maximum allows (the alerts' autoscaler_max rule listens for this).
   */
  | {
      type: "autoscale.decision";
      appId: string;
      processType: string;
      quantity: number;
      maxInstances: number;
      atMax: boolean;
      reason: string;
    };

/** Told to a reader who may have missed events (it came back too late, or fell behind): refetch everything. */
export interface ResyncEvent {
  type: "resync";
  appId: string;
}

/** The events the bus sequences and keeps for replay: state changes, not log lines. */
export type StateEvent = Exclude<PlatformEvent, { type: "app.log" | "build.log" }>;

/** One event as a resumable reader gets it: `id` ("<epoch>:<seq>") is where to resume after it. */
export interface SequencedEvent {
  id: string;
  event: StateEvent | ResyncEvent;
}

// Log lines resume by their own ids (line numbers, log ids), and come in floods that would push
// every other app's state changes out of the replay buffer; only state changes are sequenced.
export const isStateEvent = (e: PlatformEvent): e is StateEvent => e.type !== "app.log" && e.type !== "build.log";

/** State changes kept for readers that reconnect: with 100 apps sampled every 10 s, over 8 minutes. */
export const REPLAY_CAPACITY = 5000;

/** One line of an app's log as readers see it; `id` orders lines and resumes a stream. */
export interface AppLogEntry {
  id: number;
  instanceId: string | null;
  processType: string | null;
  source: string;
  stream: "stdout" | "stderr" | "system";
  level: "debug" | "info" | "warn" | "error";
  line: string;
  loggedAt: Date;
}

/**
 * Where events meet their readers: in this process (memoryEventBus, the embedded default), or
 * through Redis streams shared by several control planes (redisEventBus, whose entry ids give
 * the sequence and the replay).
 */
export interface EventBus {
  publish(event: PlatformEvent): void;
  /**
   * `id` is the event's sequence id; null for log lines, which are not sequenced. `localOnly`:
   * only events published by this process (work that one control plane must do once, like
   * forwarding log lines to drains, subscribes so; dashboards follow every process's events).
   */
  subscribe(listener: (event: PlatformEvent, id: string | null) => void, options?: { localOnly?: boolean }): () => void;
  /**
   * The sequenced events after `id`, oldest first; null when they are not all known here: the id
   * fell out of the buffer, or came from an earlier server process (another epoch).
   */
  after(id: string): { id: string; event: StateEvent }[] | null;
  /** The id of the newest sequenced event: reading `after(head())` later misses nothing. */
  head(): string;
}

export function memoryEventBus(options: { capacity?: number } = {}): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  // A restarted server starts counting again; the epoch tells its ids from the last one's.
  const epoch = `${Date.now().toString(36)}${crypto.randomUUID().slice(0, 4)}`;
  const buffer = createReplayBuffer<StateEvent>(options.capacity ?? REPLAY_CAPACITY);
  const idOf = (seq: number) => `${epoch}:${seq}`;
  return {
    publish(event) {
      const id = isStateEvent(event) ? idOf(buffer.push(event)) : null;
      emitter.emit("event", event, id);
    },
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
    after(id) {
      const [from, seq, ...rest] = id.split(":");
      if (from !== epoch || rest.length > 0 || !seq || !/^\d+$/.test(seq)) return null;
      return buffer.after(Number(seq))?.map((s) => ({ id: idOf(s.seq), event: s.item })) ?? null;
    },
    head: () => idOf(buffer.last),
  };
}

/**
 * What `attach` puts in the queue, in order, until `signal` aborts: each batch is everything that
 * arrived since the reader last asked. `attach` subscribes, fills the queue (calling `wake` after
 * each push from a listener) and returns how to unsubscribe.
 */
async function* queuedBatches<T>(attach: (queue: T[], wake: () => void) => () => void, signal?: AbortSignal): AsyncGenerator<T[]> {
  const queue: T[] = [];
  let waiting: (() => void) | null = null;
  const wake = () => waiting?.();
  const detach = attach(queue, wake);
  signal?.addEventListener("abort", wake);
  try {
    while (!signal?.aborted) {
      if (queue.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      waiting = null;
      if (queue.length > 0) yield queue.splice(0);
    }
  } finally {
    detach();
    signal?.removeEventListener("abort", wake);
  }
}

/** The same, one item at a time. */
async function* queued<T>(attach: (queue: T[], wake: () => void) => () => void, signal?: AbortSignal): AsyncGenerator<T> {
  for await (const batch of queuedBatches(attach, signal)) yield* batch;
}

/**
 * The bus's events about one app, of the given types, in batches: whatever arrived while the
 * reader was busy comes as one batch (a log burst is hundreds of lines, sent as one message).
 */
export function eventBatchesForApp<T extends PlatformEvent["type"]>(
  bus: EventBus,
  appId: string,
  types: T[],
  signal?: AbortSignal,
): AsyncGenerator<Extract<PlatformEvent, { type: T }>[]> {
  return queuedBatches<Extract<PlatformEvent, { type: T }>>(
    (queue, wake) =>
      bus.subscribe((e) => {
        if (e.appId !== appId || !(types as string[]).includes(e.type)) return;
        queue.push(e as Extract<PlatformEvent, { type: T }>);
        wake();
      }),
    signal,
  );
}

/** The bus's events about one app, of the given types, one at a time, until `signal` aborts. */
export async function* eventsForApp<T extends PlatformEvent["type"]>(
  bus: EventBus,
  appId: string,
  types: T[],
  signal?: AbortSignal,
): AsyncGenerator<Extract<PlatformEvent, { type: T }>> {
  for await (const batch of eventBatchesForApp(bus, appId, types, signal)) yield* batch;
}

// A reader this far behind is not keeping up; it is told to resync rather than queued for ever.
const MAX_PENDING = REPLAY_CAPACITY;

/**
 * Every sequenced event about one app from `afterId` on, until `signal` aborts: first the ones
 * still buffered, then live ones, each once and in order. When the events after `afterId` are no
 * longer known, the first item is a resync (whose id is the newest), then live events follow.
 */
export function sequencedEventsForApp(bus: EventBus, appId: string, afterId: string, signal?: AbortSignal): AsyncGenerator<SequencedEvent> {
  return queued<SequencedEvent>((queue, wake) => {
    const unsubscribe = bus.subscribe((event, id) => {
      if (id === null || !isStateEvent(event) || event.appId !== appId) return;
      if (queue.length >= MAX_PENDING) queue.splice(0, queue.length, { id, event: { type: "resync", appId } });
      else queue.push({ id, event });
      wake();
    });
    // Listeners hear an event in the same step it enters the buffer (in either bus), so nothing
    // lands between subscribing and reading the buffer.
    const missed = bus.after(afterId);
    if (missed === null) queue.unshift({ id: bus.head(), event: { type: "resync", appId } });
    else queue.unshift(...missed.filter((m) => m.event.appId === appId));
    return unsubscribe;
  }, signal);
}
