// Maintenance mode in the stub tRPC server, with a subset of the engine's checks and its messages
// (packages/engine/src/maintenance/settings.ts).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type Maintenance = RouterOutputs["maintenance"]["get"];

const defaultPage = (name: string) => `<!doctype html><h1>Down for maintenance</h1><p>The app "${name}" is down for maintenance.</p>`;

export function maintenanceRouter(
  proc: StubProcedure,
  apps: { find: (idOrName: string) => { id: string; name: string }; writable: () => void },
) {
  const saved = new Map<string, Omit<Maintenance, "servedPage" | "routed">>();
  const view = (app: { id: string; name: string }): Maintenance => {
    const s = saved.get(app.id) ?? { enabled: false, page: null, retryAfterSeconds: 60 };
    return { ...s, servedPage: s.page ?? defaultPage(app.name), routed: true };
  };
  return t.router({
    get: proc("maintenance.get").query(({ input }) => view(apps.find(input.app))),
    set: proc("maintenance.set").mutation(({ input }) => {
      apps.writable();
      const app = apps.find(input.app);
      const current = view(app);
      if (input.page !== undefined && input.page !== null && input.page.trim() === "")
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "The maintenance page is empty: give some HTML, or null for the default page.",
        });
      const retry = input.retryAfterSeconds;
      if (retry !== undefined && (!Number.isInteger(retry) || retry < 1 || retry > 86_400))
        throw new TRPCError({ code: "BAD_REQUEST", message: "Retry-After is a whole number of seconds from 1 to 86400 (a day)." });
      saved.set(app.id, {
        enabled: input.enabled ?? current.enabled,
        page: input.page === undefined ? current.page : input.page,
        retryAfterSeconds: input.retryAfterSeconds ?? current.retryAfterSeconds,
      });
      return view(app);
    }),
  });
}
