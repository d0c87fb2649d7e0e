import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { ValidationError } from "../errors.ts";
import { type AppLogEntry, type EventBus, eventBatchesForApp } from "../events/bus.ts";
import { parseLogQuery } from "./query-language.ts";
import type { LogQuery, LogStore } from "./store.ts";

const LEVELS = ["debug", "info", "warn", "error"] as const;
/**
 * Lines go out in batches of at most this many: a 10,000-line tail, or a burst a slow reader fell
 * behind on, is several messages a browser handles in a few milliseconds each, not one that
 * blocks its page for a second.
 */
const MAX_BATCH = 1000;

function* chunks<T>(items: T[]) {
  for (let i = 0; i < items.length; i += MAX_BATCH) yield items.slice(i, i + MAX_BATCH);
}

function checkQuery(q: LogQuery) {
  if (q.tail !== undefined && (!Number.isInteger(q.tail) || q.tail < 1 || q.tail > 10_000)) {
    throw new ValidationError("tail is a whole number from 1 to 10000.");
  }
  for (const l of q.levels ?? []) if (!LEVELS.includes(l)) throw new ValidationError(`A level is one of ${LEVELS.join(", ")}.`);
  if (q.since && Number.isNaN(q.since.getTime())) throw new ValidationError("since is not a date.");
  if (q.until && Number.isNaN(q.until.getTime())) throw new ValidationError("until is not a date.");
  if (q.q !== undefined) parseLogQuery(q.q);
  if (q.ids !== undefined) throw new ValidationError("ids is the engine's own filter.");
}

function matches(e: AppLogEntry, q: LogQuery) {
  if (q.levels?.length && !q.levels.includes(e.level)) return false;
  if (q.processType && e.processType !== q.processType) return false;
  if (q.instanceId && e.instanceId !== q.instanceId) return false;
  if (q.search?.trim()) {
    const words = q.search.toLowerCase().split(/\s+/).filter(Boolean);
    const text = e.line.toLowerCase();
    if (!words.every((w) => text.includes(w))) return false;
  }
  return true;
}

/** Reading an app's logs, for users: permission checks, then the store. */
export function createLogs(apps: Apps, store: LogStore, bus: EventBus) {
  /** The entries the search `q` finds, asked of the database in batches of at most MAX_BATCH ids. */
  async function searched(appId: string, q: string, entries: AppLogEntry[]) {
    const kept = new Set<number>();
    for (const batch of chunks(entries)) {
      for (const e of await store.query(appId, { q, ids: batch.map((b) => b.id), tail: batch.length })) kept.add(e.id);
    }
    return entries.filter((e) => kept.has(e.id));
  }

  /**
   * The newest `tail` lines, then new ones as they arrive, in batches (whatever arrived while the
   * reader was busy), with ids to resume after a drop (`afterId`): the stored lines after it
   * first, then live ones, none twice. A batch's last line's id is where to resume after it.
   */
  async function* followBatches(actor: Actor, idOrName: string, q: LogQuery = {}, signal?: AbortSignal): AsyncGenerator<AppLogEntry[]> {
    checkQuery(q);
    const { app } = await apps.resolve(actor, idOrName, "read", "reading logs");
    const live = eventBatchesForApp(bus, app.id, ["app.log"], signal);
    // Subscribed before reading the store, so nothing written in between is missed.
    const first = live.next();
    let last = q.afterId ?? 0;
    for (const batch of chunks(await store.query(app.id, q))) {
      last = batch[batch.length - 1]?.id ?? last;
      yield batch;
    }
    let next = first;
    while (!signal?.aborted) {
      const r = await next;
      if (r.done) return;
      let fresh: AppLogEntry[] = [];
      for (const { entry } of r.value) {
        if (entry.id > last && matches(entry, q)) {
          last = entry.id;
          fresh.push(entry);
        }
      }
      // A search is asked of the database for live lines too (one query per batch), so a
      // followed search shows exactly what the same search of the stored lines would.
      if (q.q?.trim() && fresh.length) fresh = await searched(app.id, q.q, fresh);
      yield* chunks(fresh);
      next = live.next();
    }
  }

  return {
    async query(actor: Actor, idOrName: string, q: LogQuery = {}) {
      checkQuery(q);
      const { app } = await apps.resolve(actor, idOrName, "read", "reading logs");
      return store.query(app.id, q);
    },

    followBatches,

    /** The same lines as followBatches, one at a time. */
    async *follow(actor: Actor, idOrName: string, q: LogQuery = {}, signal?: AbortSignal): AsyncGenerator<AppLogEntry> {
      for await (const batch of followBatches(actor, idOrName, q, signal)) yield* batch;
    },
  };
}
