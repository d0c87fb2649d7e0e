// An app's maintenance mode (0033); the engine reads no row as "not in maintenance".
import { eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AppMaintenance, appMaintenance } from "../schema/index.ts";

export type MaintenanceValues = Omit<AppMaintenance, "updatedAt">;

export async function findMaintenance(db: Database, appId: string) {
  const [row] = await db.select().from(appMaintenance).where(eq(appMaintenance.appId, appId));
  return row ?? null;
}

/** The apps in maintenance, for the router's routes. */
export async function listEnabledMaintenance(db: Database) {
  return db.select().from(appMaintenance).where(eq(appMaintenance.enabled, true));
}

/** A second save replaces the first. */
export async function upsertMaintenance(db: Database, values: MaintenanceValues) {
  const { appId, ...settings } = values;
  const [row] = await db
    .insert(appMaintenance)
    .values(values)
    .onConflictDoUpdate({ target: appMaintenance.appId, set: { ...settings, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error("upsert into app_maintenance returned nothing");
  return row;
}
