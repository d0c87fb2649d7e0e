// Each app's maintenance mode: stored, checked, and put in force by a router config reload (the
// routes carry it, so a restarted or reconciled Caddy keeps it). No instance is started, stopped
// or told: one-offs and scheduled jobs run on, and nothing is deployed.
import type { Database } from "@skypanel/db";
import { findMaintenance, listEnabledMaintenance, upsertMaintenance, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { ValidationError } from "../errors.ts";
import type { EventBus } from "../events/index.ts";
import { defaultMaintenancePage, type RouteMaintenance } from "../router/index.ts";
import { checkMaintenancePage, checkRetryAfter, MAINTENANCE_OFF, type MaintenanceSettings } from "./settings.ts";

export interface MaintenanceView extends MaintenanceSettings {
  /** The HTML visitors get while it is on: the owner's page, or the default naming the app. */
  servedPage: string;
  /** Whether this platform runs a router; without one the setting is stored but nothing is served. */
  routed: boolean;
}

function settingsOf(row: MaintenanceSettings | null): MaintenanceSettings {
  if (!row) return MAINTENANCE_OFF;
  return { enabled: row.enabled, page: row.page, retryAfterSeconds: row.retryAfterSeconds };
}

/** The apps in maintenance, by app id, as the router serves them. */
export async function routeMaintenanceByApp(db: Database, appNames: Map<string, string>): Promise<Map<string, RouteMaintenance>> {
  const out = new Map<string, RouteMaintenance>();
  for (const row of await listEnabledMaintenance(db)) {
    const name = appNames.get(row.appId);
    if (name) out.set(row.appId, { page: row.page ?? defaultMaintenancePage(name), retryAfterSeconds: row.retryAfterSeconds });
  }
  return out;
}

export interface AppMaintenanceOptions {
  bus: EventBus;
  /** Whether the platform runs a router. */
  routed: boolean;
  /** Asks the router to reload its routes; resolves once Caddy serves them (or at once when this process does not lead). */
  onChange: () => Promise<void>;
}

export function createAppMaintenance(db: Database, apps: Apps, o: AppMaintenanceOptions) {
  const view = (appName: string, s: MaintenanceSettings): MaintenanceView => ({
    ...s,
    servedPage: s.page ?? defaultMaintenancePage(appName),
    routed: o.routed,
  });
  return {
    async get(actor: Actor, idOrName: string): Promise<MaintenanceView> {
      const { app } = await apps.resolve(actor, idOrName, "read", "reading maintenance mode");
      return view(app.name, settingsOf(await findMaintenance(db, app.id)));
    },

    /**
     * Sets the fields given (page null: back to the default page); the others keep their values.
     * Resolves once the router serves the change, so "on" means visitors see the page.
     */
    async set(actor: Actor, idOrName: string, changes: Partial<MaintenanceSettings>): Promise<MaintenanceView> {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing maintenance mode");
      if (changes.enabled !== undefined && typeof changes.enabled !== "boolean")
        throw new ValidationError("enabled is true (maintenance on) or false (off).", { field: "enabled" });
      const current = settingsOf(await findMaintenance(db, app.id));
      const next: MaintenanceSettings = {
        enabled: changes.enabled ?? current.enabled,
        page: changes.page === undefined ? current.page : checkMaintenancePage(changes.page),
        retryAfterSeconds: changes.retryAfterSeconds === undefined ? current.retryAfterSeconds : checkRetryAfter(changes.retryAfterSeconds),
      };
      await withActor(db, actor, (tx) => upsertMaintenance(tx, { appId: app.id, ...next }));
      await o.onChange();
      o.bus.publish({ type: "maintenance.updated", appId: app.id, enabled: next.enabled });
      return view(app.name, next);
    },
  };
}

export type AppMaintenanceService = ReturnType<typeof createAppMaintenance>;
