// The add-on health check's findings (0029), one row per add-on.
import { eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AddonHealth, type AddonHealthState, addonHealth, addons } from "../schema/index.ts";

/** Add-ons whose server is worth checking: made and not being restored (the ready ones). */
export function listAvailableAddons(db: Database) {
  return db.select().from(addons).where(eq(addons.status, "available"));
}

export async function findAddonHealth(db: Database, addonIds: string[]): Promise<Map<string, AddonHealth>> {
  if (addonIds.length === 0) return new Map();
  const rows = await db.select().from(addonHealth).where(inArray(addonHealth.addonId, addonIds));
  return new Map(rows.map((r) => [r.addonId, r]));
}

/** Records a check; `changed` says whether the state differs from the last one (or is the first). */
export async function recordAddonHealth(
  db: Database,
  values: { addonId: string; state: AddonHealthState; reason: string | null; checkedAt: Date },
): Promise<{ changed: boolean }> {
  const before = (await findAddonHealth(db, [values.addonId])).get(values.addonId);
  const changed = before?.state !== values.state;
  const changedAt = changed ? values.checkedAt : (before?.changedAt ?? values.checkedAt);
  await db
    .insert(addonHealth)
    .values({ ...values, changedAt })
    .onConflictDoUpdate({
      target: addonHealth.addonId,
      set: { state: values.state, reason: values.reason, checkedAt: values.checkedAt, changedAt },
    });
  return { changed };
}
