// Log lines from the bus to each drain of their app. The bus listener only queues (the log store
// publishes synchronously and must never wait on a drain); one pump per app then names the
// lines (app, `web.1`) and hands them to the app's drain workers, in order.

import type { Database, LogDrainRow } from "@skypanel/db";
import { addLogDrainProgress, findAppById, instanceNumber, type LogDrainProgress, listLogDrains } from "@skypanel/db/queries";
import type { AppLogEntry, EventBus } from "../../events/bus.ts";
import { createDrainWorker, type DeliveryOptions, type DrainWorker } from "./delivery.ts";
import type { DrainLine } from "./format.ts";
import { createSender, type SenderOptions } from "./senders.ts";
import { checkDrainUrl } from "./url.ts";

export interface DispatcherOptions {
  db: Database;
  bus: EventBus;
  delivery: DeliveryOptions;
  sender: SenderOptions;
  /** The drain's URL in the clear (it is sealed in the row). */
  openUrl(row: LogDrainRow): string;
  /** How long an app's drains and name are used before they are read again (default 30 s). */
  refreshMs?: number;
  /** How often delivery counts are written to the rows (default 2 s). */
  statsMs?: number;
  now: () => Date;
}

interface AppState {
  name: string;
  workers: Map<string, DrainWorker>;
  loadedAt: number;
  inbox: AppLogEntry[];
  pumping: boolean;
}

// Lines waiting to be named, per app; past this the oldest go (each drain's own queue is the real bound).
const MAX_INBOX = 10_000;
const MAX_INSTANCE_NAMES = 10_000;

const hasProgress = (p: LogDrainProgress) =>
  p.delivered > 0 || p.deadLettered > 0 || p.dropped > 0 || p.lastError !== null || p.lastDeliveredAt !== null;

export function createDispatcher(o: DispatcherOptions) {
  const states = new Map<string, AppState>();
  const instanceNames = new Map<string, string | null>();
  const refreshMs = o.refreshMs ?? 30_000;
  let closed = false;

  async function load(appId: string, s: AppState) {
    const [app, rows] = await Promise.all([findAppById(o.db, appId), listLogDrains(o.db, appId)]);
    s.name = app?.name ?? s.name;
    s.loadedAt = Date.now();
    const ids = new Set(rows.map((r) => r.id));
    for (const [id, worker] of s.workers) {
      if (ids.has(id)) continue;
      s.workers.delete(id);
      await worker.stop();
    }
    for (const row of rows) {
      if (s.workers.has(row.id)) continue;
      try {
        const sender = createSender(checkDrainUrl(o.openUrl(row)), o.sender);
        s.workers.set(row.id, createDrainWorker(sender, o.delivery, o.now));
      } catch (err) {
        // A URL sealed under a key this server lacks: the drain says so instead of silently idling.
        await addLogDrainProgress(o.db, row.id, {
          delivered: 0,
          deadLettered: 0,
          dropped: 0,
          lastError: `the drain's URL could not be opened: ${(err as Error).message}`.slice(0, 500),
          lastErrorAt: o.now(),
          lastDeliveredAt: null,
        });
      }
    }
  }

  async function instanceName(entry: AppLogEntry): Promise<string | null> {
    if (!entry.instanceId) return null;
    if (!instanceNames.has(entry.instanceId)) {
      if (instanceNames.size >= MAX_INSTANCE_NAMES) instanceNames.clear();
      const n = await instanceNumber(o.db, entry.instanceId);
      instanceNames.set(entry.instanceId, n === null ? null : `${entry.processType ?? "run"}.${n}`);
    }
    return instanceNames.get(entry.instanceId) ?? null;
  }

  async function pump(appId: string, s: AppState) {
    if (s.pumping) return;
    s.pumping = true;
    try {
      while (s.inbox.length > 0 && !closed) {
        if (Date.now() - s.loadedAt >= refreshMs) await load(appId, s);
        const batch = s.inbox.splice(0);
        if (s.workers.size === 0) continue;
        const lines: DrainLine[] = [];
        for (const e of batch) {
          lines.push({
            id: e.id,
            app: s.name,
            processType: e.processType,
            instance: await instanceName(e),
            source: e.source,
            stream: e.stream,
            level: e.level,
            line: e.line,
            loggedAt: e.loggedAt,
          });
        }
        for (const worker of s.workers.values()) for (const l of lines) worker.push(l);
      }
    } catch (err) {
      // The database is away: these lines cannot be named or routed; the next ones try again.
      console.error("[drains] could not route log lines:", (err as Error).message);
      s.inbox = [];
      s.loadedAt = 0;
    } finally {
      s.pumping = false;
    }
  }

  const unsubscribe = o.bus.subscribe(
    (event) => {
      if (event.type !== "app.log" || closed) return;
      let s = states.get(event.appId);
      if (!s) {
        s = { name: event.appId, workers: new Map(), loadedAt: 0, inbox: [], pumping: false };
        states.set(event.appId, s);
      }
      if (s.inbox.length >= MAX_INBOX) s.inbox.shift();
      s.inbox.push(event.entry);
      void pump(event.appId, s);
      // Each line is forwarded by the control plane that wrote it, so a shared bus sends it once.
    },
    { localOnly: true },
  );

  async function saveProgress() {
    for (const s of states.values()) {
      for (const [id, worker] of s.workers) {
        const p = worker.takeProgress();
        if (!hasProgress(p)) continue;
        await addLogDrainProgress(o.db, id, p).catch((err: Error) => {
          worker.returnProgress(p);
          console.error("[drains] could not store delivery counts:", err.message);
        });
      }
    }
  }
  // One save at a time, in order: a slow database never has two writing the same counts.
  let saving: Promise<void> = Promise.resolve();
  const queueSave = () => {
    saving = saving.then(saveProgress);
    return saving;
  };
  const statsTimer = setInterval(queueSave, o.statsMs ?? 2000);
  statsTimer.unref();

  return {
    /** The live worker of a drain (its unsaved counts, queue and connection), if this server runs one. */
    worker(appId: string, drainId: string): DrainWorker | null {
      return states.get(appId)?.workers.get(drainId) ?? null;
    },
    /** The app's drains changed: read them again before the next line. */
    invalidate(appId: string) {
      const s = states.get(appId);
      if (s) s.loadedAt = 0;
    },
    /** A drain removed: its worker stops now (its waiting lines are not sent). */
    async forget(appId: string, drainId: string) {
      const s = states.get(appId);
      const worker = s?.workers.get(drainId);
      if (!s || !worker) return;
      s.workers.delete(drainId);
      s.loadedAt = 0;
      await worker.stop();
    },
    /** Writes the counts gathered so far to the rows now. */
    saveProgress: queueSave,
    async stop() {
      closed = true;
      unsubscribe();
      clearInterval(statsTimer);
      await Promise.all([...states.values()].flatMap((s) => [...s.workers.values()].map((w) => w.stop())));
      await queueSave();
      states.clear();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
