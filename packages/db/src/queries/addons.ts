import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { addons } from "../schema/index.ts";

export async function listAddons(db: Database, appId: string) {
  return db.select().from(addons).where(eq(addons.appId, appId)).orderBy(asc(addons.createdAt));
}

export async function findAddon(db: Database, appId: string, id: string) {
  const [row] = await db
    .select()
    .from(addons)
    .where(and(eq(addons.appId, appId), eq(addons.id, id)));
  return row ?? null;
}

export async function insertAddon(
  db: Database,
  values: { id: string; appId: string; name: string; type: string; plan: string; details: Record<string, unknown> },
) {
  const [row] = await db.insert(addons).values(values).returning();
  if (!row) throw new Error("insert into addons returned nothing");
  return row;
}

export async function updateAddon(db: Database, id: string, values: { status?: string; details?: Record<string, unknown> }) {
  const [row] = await db
    .update(addons)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(addons.id, id))
    .returning();
  if (!row) throw new Error(`no add-on ${id} to update`);
  return row;
}

export async function deleteAddon(db: Database, id: string) {
  await db.delete(addons).where(eq(addons.id, id));
}
