// Log drains in the stub tRPC server, typed by the BFF's outputs and answering with the engine's
// rules and messages (packages/engine/src/logs/drains: a subset of its URL checks, the redaction).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubDrain = RouterOutputs["drains"]["list"][number];

const AT = new Date("2025-01-02T03:04:05Z");

/** A drain of `appName`: https unless the URL says syslog+tls. */
export function stubDrain(appName: string, url: string, n = 1, over: Partial<StubDrain> = {}): StubDrain {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    appId: `id-${appName}`,
    kind: url.startsWith("syslog+tls:") ? "syslog-tls" : "https",
    url: redact(url),
    deliveredCount: 0,
    deadLetterCount: 0,
    droppedCount: 0,
    lastError: null,
    lastErrorAt: null,
    lastDeliveredAt: null,
    queued: 0,
    createdAt: AT,
    ...over,
  };
}

function redact(url: string) {
  const u = new URL(url);
  return `${u.protocol}//${u.username || u.password ? "***@" : ""}${u.host}${u.pathname && u.pathname !== "/" ? "/***" : ""}${u.search ? "?***" : ""}`;
}

const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

export function drainsRouter(
  proc: StubProcedure,
  drains: StubDrain[],
  apps: { find: (idOrName: string) => { id: string; name: string }; writable: () => void },
) {
  return t.router({
    list: proc("drains.list").query(({ input }) => drains.filter((d) => d.appId === apps.find(input.app).id)),
    add: proc("drains.add").mutation(({ input }) => {
      apps.writable();
      const app = apps.find(input.app);
      const url = input.url.trim();
      if (url.startsWith("http://")) throw bad("Plain http:// drains are refused: log lines leave only over TLS. Use https://.");
      if (!/^(https|syslog\+tls):\/\/[^\s/]+/.test(url)) {
        throw bad(
          "A drain's URL is syslog+tls://host:port (RFC 5424 over TLS) or https://host[:port]/path (NDJSON POSTs); this is not a URL.",
        );
      }
      const drain = { ...stubDrain(app.name, url, drains.length + 1), createdAt: new Date() };
      if (drains.some((d) => d.appId === app.id && d.url === drain.url)) {
        throw new TRPCError({ code: "CONFLICT", message: `This app already drains to ${drain.url}.` });
      }
      drains.push(drain);
      return drain;
    }),
    remove: proc("drains.remove").mutation(({ input }) => {
      apps.writable();
      const app = apps.find(input.app);
      const at = drains.findIndex((d) => d.appId === app.id && d.id === input.id);
      const [removed] = at >= 0 ? drains.splice(at, 1) : [];
      if (!removed) throw new TRPCError({ code: "NOT_FOUND", message: `This app has no log drain "${input.id}".` });
      return { id: removed.id, url: removed.url };
    }),
  });
}
