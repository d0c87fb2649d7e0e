import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { ValidationError } from "../errors.ts";
import { type AppLogEntry, type EventBus, eventsForApp } from "../events/bus.ts";
import type { LogQuery, LogStore } from "./store.ts";

const LEVELS = ["debug", "info", "warn", "error"] as const;

function checkQuery(q: LogQuery) {
  if (q.tail !== undefined && (!Number.isInteger(q.tail) || q.tail < 1 || q.tail > 10_000)) {
    throw new ValidationError("tail is a whole number from 1 to 10000.");
  }
  for (const l of q.levels ?? []) if (!LEVELS.includes(l)) throw new ValidationError(`A level is one of ${LEVELS.join(", ")}.`);
  if (q.since && Number.isNaN(q.since.getTime())) throw new ValidationError("since is not a date.");
  if (q.until && Number.isNaN(q.until.getTime())) throw new ValidationError("until is not a date.");
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
  return {
    async query(actor: Actor, idOrName: string, q: LogQuery = {}) {
      checkQuery(q);
      const { app } = await apps.resolve(actor, idOrName, "read", "reading logs");
      return store.query(app.id, q);
    },

    /**
     * The newest `tail` lines, then new ones as they arrive, with ids to resume after a drop
     * (`afterId`): the stored lines after it first, then live ones, none twice.
     */
    async *follow(actor: Actor, idOrName: string, q: LogQuery = {}, signal?: AbortSignal): AsyncGenerator<AppLogEntry> {
      checkQuery(q);
      const { app } = await apps.resolve(actor, idOrName, "read", "reading logs");
      const live = eventsForApp(bus, app.id, ["app.log"], signal);
      // Subscribed before reading the store, so nothing written in between is missed.
      const first = live.next();
      let last = q.afterId ?? 0;
      for (const e of await store.query(app.id, q)) {
        last = e.id;
        yield e;
      }
      let next = first;
      while (!signal?.aborted) {
        const r = await next;
        if (r.done) return;
        const e = r.value.entry;
        if (e.id > last && matches(e, q)) {
          last = e.id;
          yield e;
        }
        next = live.next();
      }
    },
  };
}
