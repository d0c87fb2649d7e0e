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

/**
 * A small part of the engine's search language (packages/engine/src/logs/query-language.ts):
 * words and "phrases" as substrings, -exclusions, level:; an open quote is refused with the
 * engine's message. The engine's own tests cover the language whole.
 */
function searchMatches(line: string, level: string, q: string) {
  const open = q.split('"').length % 2 === 0;
  if (open) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Log search: the quote at character ${q.lastIndexOf('"') + 1} is never closed; close it, or leave it out to search for words.`,
    });
  }
  const terms = q.match(/-?"[^"]*"|\S+/g) ?? [];
  return terms.every((term) => {
    const negated = term.startsWith("-");
    const text = (negated ? term.slice(1) : term).replaceAll('"', "").toLowerCase();
    if (text.startsWith("level:")) return text.slice(6).split(",").includes(level);
    return line.toLowerCase().includes(text) !== negated;
  });
}

function matches(e: StubLogEntry, q: LogQuery) {
  if (q.q && !searchMatches(e.line, e.level, q.q)) return false;
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

  // Log retention by app id; the engine's defaults and bounds (packages/engine/src/logs/retention.ts).
  const defaults = { days: 7, maxBytes: 100 * 1024 * 1024 };
  const retention = new Map<string, { days: number; maxBytes: number }>();
  const retentionOf = (appId: string) => {
    const own = retention.get(appId);
    return { ...(own ?? defaults), custom: own !== undefined, defaults };
  };

  const router = t.router({
    retention: proc("logs.retention").query(({ input }) => retentionOf(apps.find(input.app).id)),
    setRetention: proc("logs.setRetention").mutation(({ input }) => {
      const appId = apps.find(input.app).id;
      const next = { days: input.days ?? retentionOf(appId).days, maxBytes: input.maxBytes ?? retentionOf(appId).maxBytes };
      if (!Number.isInteger(next.days) || next.days < 1 || next.days > 365) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Log retention days is a whole number from 1 to 365." });
      }
      if (next.maxBytes < 1024 * 1024) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "Log retention bytes is a whole number from 1 MiB (1048576) to 100 GiB (107374182400).",
        });
      }
      retention.set(appId, next);
      return retentionOf(appId);
    }),
    resetRetention: proc("logs.resetRetention").mutation(({ input }) => {
      const appId = apps.find(input.app).id;
      retention.delete(appId);
      return retentionOf(appId);
    }),
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
