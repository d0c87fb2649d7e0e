// When the router could not load the routes, or had to replace Caddy, every app it routes hears
// of it in its activity (the audit trail the Overview lists), besides the platform's log.
import type { Database } from "@skypanel/db";
import { findAppsByNames, insertAuditEvent } from "@skypanel/db/queries";
import { describeRouterEvent, type RouterEvent } from "../router/index.ts";

const ACTIONS: Partial<Record<RouterEvent["type"], string>> = {
  "load-failed": "router.load_failed",
  "caddy-replaced": "router.caddy_replaced",
};

/** Writes `event` into the activity of each app in `routedApps` (names), when it is router trouble. */
export async function recordRouterTrouble(db: Database, routedApps: Iterable<string>, event: RouterEvent): Promise<number> {
  const action = ACTIONS[event.type];
  const message = describeRouterEvent(event);
  if (!action || !message) return 0;
  const apps = await findAppsByNames(db, [...new Set(routedApps)]);
  for (const app of apps) {
    await insertAuditEvent(db, { actorId: null, appId: app.id, teamId: app.teamId, action, targetType: "router", details: { message } });
  }
  return apps.length;
}
