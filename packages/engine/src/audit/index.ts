import { listAuditEntries } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";

export function createAudit(deps: EngineDeps, apps: Apps) {
  return {
    /** An app's activity, newest first; `before` pages back by entry id. */
    async forApp(actor: Actor, idOrName: string, opts: { before?: number; limit?: number } = {}) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing activity");
      return listAuditEntries(deps.db, { appId: app.id, before: opts.before, limit: Math.min(opts.limit ?? 50, 200) });
    },
  };
}
