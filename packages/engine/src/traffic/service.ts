// Each app's traffic protection at the router: stored, checked, and put in force by a router
// config reload (the routes carry it), with what the running Caddy cannot do said plainly.
import type { Database } from "@skypanel/db";
import { findTrafficPolicy, listTrafficPolicies, upsertTrafficPolicy, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { CaddyBuild, RouteTraffic } from "../router/index.ts";
import { checkTrafficPolicy, NO_TRAFFIC_LIMITS, routeTraffic, type TrafficPolicy, unsupportedSettings } from "./policy.ts";

export interface TrafficView extends TrafficPolicy {
  /** Which Caddy serves apps (`custom`: SkyPanel's build), or null when this platform routes nothing. */
  router: CaddyBuild | null;
  /** Settings stored but not in force: they need the custom router build (or a router at all). */
  needsCustomRouter: (keyof TrafficPolicy)[];
}

function policyOf(row: TrafficPolicy | null): TrafficPolicy {
  if (!row) return NO_TRAFFIC_LIMITS;
  const { requestsPerMinute, burst, maxConcurrentRequests, maxBodyBytes, wafMode } = row;
  return { requestsPerMinute, burst, maxConcurrentRequests, maxBodyBytes, wafMode };
}

/** Every app's traffic settings for the router, by app id; apps without any are absent. */
export async function routeTrafficByApp(db: Database): Promise<Map<string, RouteTraffic>> {
  const out = new Map<string, RouteTraffic>();
  for (const row of await listTrafficPolicies(db)) {
    const traffic = routeTraffic(policyOf(row));
    if (traffic) out.set(row.appId, traffic);
  }
  return out;
}

export interface AppTrafficOptions {
  /** The running router's build; null when the platform runs no router. */
  routerBuild: () => CaddyBuild | null;
  /** Asks the router to reload its routes (a saved policy takes effect then). */
  onChange: () => void;
}

export function createAppTraffic(db: Database, apps: Apps, o: AppTrafficOptions) {
  const view = (policy: TrafficPolicy): TrafficView => {
    const router = o.routerBuild();
    return { ...policy, router, needsCustomRouter: unsupportedSettings(policy, router) };
  };
  return {
    async get(actor: Actor, idOrName: string): Promise<TrafficView> {
      const { app } = await apps.resolve(actor, idOrName, "read", "reading the traffic policy");
      return view(policyOf(await findTrafficPolicy(db, app.id)));
    },

    /** Sets the fields given (null clears a limit); the others keep their values. */
    async set(actor: Actor, idOrName: string, changes: Partial<TrafficPolicy>): Promise<TrafficView> {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing the traffic policy");
      const current = policyOf(await findTrafficPolicy(db, app.id));
      const merged = { ...current };
      for (const key of Object.keys(NO_TRAFFIC_LIMITS) as (keyof TrafficPolicy)[]) {
        if (changes[key] !== undefined) Object.assign(merged, { [key]: changes[key] });
      }
      const policy = checkTrafficPolicy(merged);
      await withActor(db, actor, (tx) => upsertTrafficPolicy(tx, { appId: app.id, ...policy }));
      o.onChange();
      return view(policy);
    },
  };
}

export type AppTraffic = ReturnType<typeof createAppTraffic>;
