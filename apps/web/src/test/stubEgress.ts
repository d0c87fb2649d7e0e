// Egress policies in the stub tRPC server, answering with a subset of the engine's checks and
// its messages (packages/engine/src/runtime/egress-policy.ts).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type Policy = RouterOutputs["egress"]["get"];

const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

function parseRule(text: string): Policy["rules"][number] {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?::(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(text);
  if (!match) throw bad(`"${text}" is not an egress rule: write a CIDR, optionally with :port or :from-to.`);
  const prefix = match[2] ?? "32";
  if (prefix === "0") throw bad(`"${match[1]}/0" opens every address: set the egress mode to "allow" instead.`);
  const from = match[3] ? Number(match[3]) : null;
  const to = match[4] ? Number(match[4]) : from;
  return { cidr: `${match[1]}/${prefix}`, ports: from !== null && to !== null ? { from, to } : null };
}

export function egressRouter(proc: StubProcedure, apps: { find: (idOrName: string) => { id: string }; writable: () => void }) {
  const policies = new Map<string, Policy>();
  return t.router({
    get: proc("egress.get").query(({ input }) => policies.get(apps.find(input.app).id) ?? { mode: "deny" as const, rules: [] }),
    set: proc("egress.set").mutation(({ input }) => {
      apps.writable();
      const app = apps.find(input.app);
      const rules = (input.rules ?? []).map((rule) => (typeof rule === "string" ? parseRule(rule) : rule));
      if (input.mode === "allowlist" && rules.length === 0)
        throw bad('An allow-list needs at least one rule (mode "deny" refuses everything).');
      policies.set(app.id, { mode: input.mode, rules });
      return { mode: input.mode, rules, appliedTo: 2 };
    }),
  });
}
