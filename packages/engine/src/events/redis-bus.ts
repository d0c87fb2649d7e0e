// The event bus shared by several control planes: every process appends to two Redis streams
// (state changes, kept for replay; log lines, kept briefly) and reads both back, so a dashboard
// connected to any process sees every process's events, under ids that mean the same everywhere.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { type EventBus, isStateEvent, type PlatformEvent, REPLAY_CAPACITY, type StateEvent } from "./bus.ts";
import { createStreamMirror } from "./stream-mirror.ts";

export interface RedisBusOptions {
  /** Makes one connection (to a URL, or through Sentinel); the bus makes two: one writes, one blocks reading. */
  connect: () => Redis;
  /** Key prefix of the two streams (default "skypanel:events"). */
  prefix?: string;
  /** State changes kept for readers that reconnect (default REPLAY_CAPACITY). */
  capacity?: number;
  onError?: (err: Error) => void;
}

export interface RedisEventBus extends EventBus {
  /** Resolves once every event this bus published has been read back (tests; a clean stop). */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

// Log lines are for live tails only (logs have their own store); a short stream is enough.
const LOG_STREAM_LENGTH = 2000;
const READ_BLOCK_MS = 5000;
const RETRY_MS = 500;

/** Dates travel as ISO strings; these are the fields that were Dates. */
const reviveDates = (key: string, value: unknown) =>
  (key === "sampledAt" || key === "loggedAt") && typeof value === "string" ? new Date(value) : value;

type Entry = [id: string, fields: string[]];

/** Connects, loads the newest state changes (so `after()` knows them at once), and starts reading. */
export async function redisEventBus(options: RedisBusOptions): Promise<RedisEventBus> {
  const prefix = options.prefix ?? "skypanel:events";
  const stateKey = `${prefix}:state`;
  const logKey = `${prefix}:logs`;
  const capacity = options.capacity ?? REPLAY_CAPACITY;
  const onError = options.onError ?? ((err: Error) => console.error("[events] redis:", err.message));
  const origin = randomUUID();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const mirror = createStreamMirror<StateEvent>(capacity);
  const writer = options.connect();
  const reader = options.connect();
  writer.on("error", () => {});
  reader.on("error", () => {});
  let closed = false;
  let unread = 0;
  const flushWaiters: (() => void)[] = [];

  const decode = ([id, fields]: Entry) => {
    const at = fields.indexOf("e");
    return { id, event: JSON.parse(fields[at + 1] ?? "null", reviveDates) as PlatformEvent, origin: fields[fields.indexOf("o") + 1] };
  };

  const recent = ((await reader.xrevrange(stateKey, "+", "-", "COUNT", capacity + 1)) as Entry[]).reverse().map(decode);
  mirror.load(
    recent.map((r) => ({ id: r.id, item: r.event as StateEvent })),
    recent.length <= capacity,
  );
  let stateFrom = mirror.head();
  const [lastLog] = (await reader.xrevrange(logKey, "+", "-", "COUNT", 1)) as Entry[];
  let logFrom = lastLog?.[0] ?? "0-0";

  function deliver(entry: Entry, sequenced: boolean) {
    const { id, event, origin: from } = decode(entry);
    if (sequenced) mirror.push(id, event as StateEvent);
    const local = from === origin;
    emitter.emit("event", event, sequenced ? id : null, local);
    if (local && --unread === 0) for (const resolve of flushWaiters.splice(0)) resolve();
  }

  const reading = (async () => {
    while (!closed) {
      try {
        const batch = (await reader.xread("COUNT", 1000, "BLOCK", READ_BLOCK_MS, "STREAMS", stateKey, logKey, stateFrom, logFrom)) as
          | [string, Entry[]][]
          | null;
        for (const [key, entries] of batch ?? []) {
          for (const entry of entries) {
            try {
              deliver(entry, key === stateKey);
            } catch (err) {
              onError(new Error(`event ${entry[0]} could not be read: ${(err as Error).message}`));
            }
            if (key === stateKey) stateFrom = entry[0];
            else logFrom = entry[0];
          }
        }
      } catch (err) {
        if (closed) return;
        onError(err as Error);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  })();

  return {
    publish(event) {
      const sequenced = isStateEvent(event);
      unread++;
      const length = String(sequenced ? capacity : LOG_STREAM_LENGTH);
      writer
        .xadd(sequenced ? stateKey : logKey, "MAXLEN", "~", length, "*", "o", origin, "e", JSON.stringify(event))
        .catch((err: Error) => {
          onError(err);
          if (--unread === 0) for (const resolve of flushWaiters.splice(0)) resolve();
        });
    },
    subscribe(listener, subscribeOptions) {
      const wrapped = (event: PlatformEvent, id: string | null, local: boolean) => {
        if (local || !subscribeOptions?.localOnly) listener(event, id);
      };
      emitter.on("event", wrapped);
      return () => emitter.off("event", wrapped);
    },
    after: (id) => mirror.after(id)?.map((e) => ({ id: e.id, event: e.item })) ?? null,
    head: () => mirror.head(),
    flushed: () => (unread === 0 ? Promise.resolve() : new Promise<void>((resolve) => flushWaiters.push(resolve))),
    async close() {
      closed = true;
      await writer.quit().catch(() => writer.disconnect());
      reader.disconnect();
      await reading;
    },
  };
}
