// App runtime logs in the stub tRPC server: stored lines and live ones, filtered by the rules of
// packages/engine/src/logs (service.ts, store.ts), with rows typed by the BFF's output. Tests
// add lines with the backend's appendAppLog, as an app's instances would.
import { TRPCError, tracked } from "@trpc/server";
import type { RouterInputs, RouterOutputs } from "../lib/trpc.ts";
import { listener } from "./stubBuilds.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubLogEntry = RouterOutputs["logs"]["query"][number] & { appId: string };
type LogQuery = RouterInputs["logs"]["query"];

const AT = Date.parse("2025-01-02T03:04:05Z");

/** Line `id` of an app's log: a web process's info line, written `id` seconds after 2025-01-02 03:04:05. */
export function stubLogEntry(appName: string, id: number, extra: Partial<StubLogEntry> = {}): StubLogEntry {
  return {
    id,
    appId: `id-${appName}`,
    instanceId: null,
    processType: "web",
    source: "app",
    stream: "stdout",
    level: "info",
    line: `line ${id}`,
    loggedAt: new Date(AT + id * 1000),
    ...extra,
  };
}

function matches(e: StubLogEntry, q: LogQuery) {
  if (q.levels?.length && !q.levels.includes(e.level)) return false;
  if (q.processType && e.processType !== q.processType) return false;
  if (q.instanceId && e.instanceId !== q.instanceId) return false;
  if (q.since && e.loggedAt < q.since) return false;
  if (q.until && e.loggedAt >= q.until) return false;
  const words = (q.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => e.line.toLowerCase().includes(w));
}

/** The entry as the API sends it, without the stub's app id. */
const toEntry = ({ appId: _, ...entry }: StubLogEntry) => entry;

/** The logs router over `logs` (every app's lines, in id order), and `append` to add live ones. */
export function logsRouter(proc: StubProcedure, logs: StubLogEntry[], apps: { find: (idOrName: string) => { id: string } }) {
  const listeners = new Set<(e: StubLogEntry) => void>();
  /** The newest `tail` matching lines after `afterId`, oldest first. */
  const stored = (appId: string, q: LogQuery, afterId: number) => {
    const tail = q.tail ?? 100;
    if (!Number.isInteger(tail) || tail < 1 || tail > 10_000) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "tail is a whole number from 1 to 10000." });
    }
    return logs.filter((e) => e.appId === appId && e.id > afterId && matches(e, q)).slice(-tail);
  };

  const router = t.router({
    query: proc("logs.query").query(({ input }) => stored(apps.find(input.app).id, input, 0).map(toEntry)),
    follow: proc("logs.follow").subscription(async function* ({ input, signal }) {
      const app = apps.find(input.app);
      // Listening before reading the stored lines, so none written in between is missed. The real
      // server sends bursts as one batch; the stub sends batches of one line, each its own event id.
      const live = listener(listeners, signal);
      try {
        let last = Number(input.lastEventId ?? 0) || 0;
        for (const e of stored(app.id, input, last)) {
          last = e.id;
          yield tracked(String(e.id), [toEntry(e)]);
        }
        for (let e = await live.next(); e !== null; e = await live.next()) {
          if (e.appId !== app.id || e.id <= last || !matches(e, input)) continue;
          last = e.id;
          yield tracked(String(e.id), [toEntry(e)]);
        }
      } finally {
        live.close();
      }
    }),
  });

  function append(entries: StubLogEntry[]) {
    for (const e of entries) {
      logs.push(e);
      for (const listen of listeners) listen(e);
    }
  }

  return { router, append };
}
