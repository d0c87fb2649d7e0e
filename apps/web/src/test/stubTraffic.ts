// Traffic policies in the stub tRPC server, behind Debian's Caddy, with a subset of the engine's
// checks and its messages (packages/engine/src/traffic/policy.ts).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type Policy = RouterOutputs["traffic"]["get"];

const NONE: Policy = {
  requestsPerMinute: null,
  burst: null,
  maxConcurrentRequests: null,
  maxBodyBytes: null,
  wafMode: "off",
  router: "debian",
  needsCustomRouter: [],
};

/** What Debian's Caddy cannot apply, in the engine's order. */
function needsCustom(p: Policy): Policy["needsCustomRouter"] {
  const out: Policy["needsCustomRouter"] = [];
  if (p.requestsPerMinute !== null) out.push("requestsPerMinute");
  if (p.burst !== null) out.push("burst");
  if (p.maxConcurrentRequests !== null) out.push("maxConcurrentRequests");
  if (p.wafMode !== "off") out.push("wafMode");
  return out;
}

export function trafficRouter(proc: StubProcedure, apps: { find: (idOrName: string) => { id: string }; writable: () => void }) {
  const policies = new Map<string, Policy>();
  return t.router({
    get: proc("traffic.get").query(({ input }) => policies.get(apps.find(input.app).id) ?? NONE),
    set: proc("traffic.set").mutation(({ input }) => {
      apps.writable();
      const app = apps.find(input.app);
      const { app: _, ...changes } = input;
      const merged = { ...(policies.get(app.id) ?? NONE) };
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) Object.assign(merged, { [key]: value });
      if (merged.burst !== null && merged.requestsPerMinute === null)
        throw new TRPCError({ code: "BAD_REQUEST", message: "A burst needs a rate limit: set requests per minute too." });
      const saved = { ...merged, needsCustomRouter: needsCustom(merged) };
      policies.set(app.id, saved);
      return saved;
    }),
  });
}
