// An app's own log retention (0016); the engine falls back to the platform's defaults without a row.
import { eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { appLogRetention } from "../schema/index.ts";

export async function findLogRetention(db: Database, appId: string) {
  const [row] = await db.select().from(appLogRetention).where(eq(appLogRetention.appId, appId));
  return row ?? null;
}

/** Sets both limits; a second save replaces the first. */
export async function upsertLogRetention(db: Database, values: { appId: string; days: number; maxBytes: number }) {
  const { appId, ...limits } = values;
  const [row] = await db
    .insert(appLogRetention)
    .values(values)
    .onConflictDoUpdate({ target: appLogRetention.appId, set: { ...limits, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error("upsert into app_log_retention returned nothing");
  return row;
}

/** Back to the platform's defaults. */
export async function deleteLogRetention(db: Database, appId: string) {
  await db.delete(appLogRetention).where(eq(appLogRetention.appId, appId));
}
