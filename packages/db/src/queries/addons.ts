import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type AddonBackup, addonAttachments, addonBackups, addons, applications } from "../schema/index.ts";

export async function listAddons(db: Database, appId: string) {
  return db.select().from(addons).where(eq(addons.appId, appId)).orderBy(asc(addons.createdAt));
}

export async function findAddon(db: Database, id: string) {
  const [row] = await db.select().from(addons).where(eq(addons.id, id));
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

export async function listAllAddonCredentials(db: Database) {
  return db.select().from(addons).where(isNotNull(addons.credentials));
}

export async function sealAddonCredentials(db: Database, id: string, sealed: { ciphertext: Uint8Array; nonce: Uint8Array; keyId: string }) {
  await db
    .update(addons)
    .set({ credentials: sealed.ciphertext, credentialsNonce: sealed.nonce, credentialsKeyId: sealed.keyId, updatedAt: new Date() })
    .where(eq(addons.id, id));
}

/** Every add-on attached to the app, its own and other apps' (an attachment row each). */
export async function listAttachmentsOfApp(db: Database, appId: string) {
  return db
    .select({ attachment: addonAttachments, addon: addons })
    .from(addonAttachments)
    .innerJoin(addons, eq(addons.id, addonAttachments.addonId))
    .where(eq(addonAttachments.appId, appId))
    .orderBy(asc(addonAttachments.createdAt));
}

/** Where an add-on is attached, with the apps' names. */
export async function listAttachmentsOfAddon(db: Database, addonId: string) {
  return db
    .select({
      id: addonAttachments.id,
      appId: addonAttachments.appId,
      appName: applications.name,
      name: addonAttachments.name,
      createdAt: addonAttachments.createdAt,
    })
    .from(addonAttachments)
    .innerJoin(applications, eq(applications.id, addonAttachments.appId))
    .where(eq(addonAttachments.addonId, addonId))
    .orderBy(asc(addonAttachments.createdAt));
}

export async function insertAttachment(db: Database, values: { addonId: string; appId: string; name: string }) {
  const [row] = await db.insert(addonAttachments).values(values).returning();
  if (!row) throw new Error("insert into addon_attachments returned nothing");
  return row;
}

/** Drops the app's attachments set as any of these config var names. */
export async function deleteAttachmentsNamed(db: Database, appId: string, names: string[]) {
  if (names.length) await db.delete(addonAttachments).where(and(eq(addonAttachments.appId, appId), inArray(addonAttachments.name, names)));
}

export async function deleteAttachment(db: Database, id: string) {
  await db.delete(addonAttachments).where(eq(addonAttachments.id, id));
}

export async function listBackups(db: Database, addonId: string) {
  return db.select().from(addonBackups).where(eq(addonBackups.addonId, addonId)).orderBy(desc(addonBackups.createdAt));
}

export async function findBackup(db: Database, addonId: string, id: string) {
  const [row] = await db
    .select()
    .from(addonBackups)
    .where(and(eq(addonBackups.addonId, addonId), eq(addonBackups.id, id)));
  return row ?? null;
}

/**
 * A new backup whose data key `sealKey` seals (for the row's id) under the keyring's current key.
 * The table lock is taken before sealing, so a key rotation in progress is waited for and a key
 * sealed just before one starts is in the table its re-sealing reads.
 */
export async function insertSealedBackup(
  db: Database,
  values: { addonId: string; trigger: "manual" | "schedule" },
  sealKey: (id: string) => Pick<AddonBackup, "dataKey" | "dataKeyNonce" | "keyId">,
) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE addon_backups IN ROW EXCLUSIVE MODE`);
    const id = randomUUID();
    return insertBackup(tx as unknown as Database, { id, ...values, ...sealKey(id) });
  });
}

export async function insertBackup(
  db: Database,
  values: { addonId: string; trigger: "manual" | "schedule" } & Partial<Pick<AddonBackup, "id" | "dataKey" | "dataKeyNonce" | "keyId">>,
) {
  const [row] = await db.insert(addonBackups).values(values).returning();
  if (!row) throw new Error("insert into addon_backups returned nothing");
  return row;
}

export async function updateBackup(
  db: Database,
  id: string,
  values: Partial<Omit<AddonBackup, "id" | "addonId" | "trigger" | "createdAt">>,
) {
  const [row] = await db.update(addonBackups).set(values).where(eq(addonBackups.id, id)).returning();
  if (!row) throw new Error(`no backup ${id} to update`);
  return row;
}

export async function deleteBackups(db: Database, ids: string[]) {
  if (ids.length) await db.delete(addonBackups).where(inArray(addonBackups.id, ids));
}

/** Every backup's sealed data key, for a master key rotation (which seals them again under the new key). */
export async function listSealedBackupKeys(db: Database) {
  return db
    .select({ id: addonBackups.id, dataKey: addonBackups.dataKey, dataKeyNonce: addonBackups.dataKeyNonce, keyId: addonBackups.keyId })
    .from(addonBackups)
    .where(isNotNull(addonBackups.keyId));
}

export async function resealBackupKey(db: Database, id: string, sealed: { dataKey: Uint8Array; dataKeyNonce: Uint8Array; keyId: string }) {
  await db.update(addonBackups).set(sealed).where(eq(addonBackups.id, id));
}

/** Holds off new backups (whose data keys are sealed with the key current when they start) until a rotation commits. */
export async function lockBackupKeys(db: Database) {
  await db.execute(sql`LOCK TABLE addon_backups IN SHARE ROW EXCLUSIVE MODE`);
}

/** PostgreSQL add-ons with their newest scheduled backup's time (null if none yet), for the scheduler. */
export async function listScheduledBackupState(db: Database) {
  return db
    .select({ addon: addons, lastScheduled: sql<Date | null>`max(${addonBackups.createdAt})`.mapWith((v) => (v ? new Date(v) : null)) })
    .from(addons)
    .leftJoin(addonBackups, and(eq(addonBackups.addonId, addons.id), eq(addonBackups.trigger, "schedule")))
    .where(and(eq(addons.type, "postgresql"), eq(addons.status, "available")))
    .groupBy(addons.id);
}

/** At start-up: backups and restores a stopped control plane left running failed with `reason`. */
export async function failInterruptedBackups(db: Database, reason: string) {
  await db.update(addonBackups).set({ status: "failed", error: reason, finishedAt: new Date() }).where(eq(addonBackups.status, "running"));
  await db.update(addonBackups).set({ restoreStatus: "failed", restoreError: reason }).where(eq(addonBackups.restoreStatus, "running"));
  await db.update(addons).set({ status: "available" }).where(eq(addons.status, "restoring"));
}
