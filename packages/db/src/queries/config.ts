import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { encryptionKeys, envVars } from "../schema/index.ts";

export interface SealedValue {
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  keyId: string;
}

export async function listEnvVars(db: Database, appId: string) {
  return db.select().from(envVars).where(eq(envVars.appId, appId)).orderBy(asc(envVars.key));
}

/** Inserts or replaces each key's value. */
export async function upsertEnvVars(db: Database, appId: string, vars: (SealedValue & { key: string; isSecret?: boolean })[]) {
  if (vars.length === 0) return;
  const now = new Date();
  for (const v of vars) {
    await db
      .insert(envVars)
      .values({ appId, key: v.key, ciphertext: v.ciphertext, nonce: v.nonce, keyId: v.keyId, isSecret: v.isSecret ?? false })
      .onConflictDoUpdate({
        target: [envVars.appId, envVars.key],
        set: { ciphertext: v.ciphertext, nonce: v.nonce, keyId: v.keyId, isSecret: v.isSecret ?? false, updatedAt: now },
      });
  }
}

export async function deleteEnvVars(db: Database, appId: string, keys: string[]) {
  if (keys.length === 0) return [];
  const rows = await db
    .delete(envVars)
    .where(and(eq(envVars.appId, appId), inArray(envVars.key, keys)))
    .returning({ key: envVars.key });
  return rows.map((r) => r.key);
}

export async function ensureEncryptionKey(db: Database, id: string) {
  await db.insert(encryptionKeys).values({ id }).onConflictDoNothing();
}

export async function activeEncryptionKeyIds(db: Database) {
  const rows = await db.select({ id: encryptionKeys.id }).from(encryptionKeys).where(isNull(encryptionKeys.retiredAt));
  return rows.map((r) => r.id);
}

/** Every sealed value on the platform, for re-encrypting under a new key. */
export async function listAllEnvVars(db: Database) {
  return db.select().from(envVars).orderBy(asc(envVars.appId), asc(envVars.key));
}

export async function resealEnvVar(db: Database, appId: string, key: string, sealed: SealedValue) {
  await db
    .update(envVars)
    .set({ ciphertext: sealed.ciphertext, nonce: sealed.nonce, keyId: sealed.keyId })
    .where(and(eq(envVars.appId, appId), eq(envVars.key, key)));
}

/** Marks every key but `currentId` retired: nothing in the database is sealed with them any more. */
export async function retireEncryptionKeys(db: Database, currentId: string) {
  const rows = await db
    .update(encryptionKeys)
    .set({ retiredAt: new Date() })
    .where(and(ne(encryptionKeys.id, currentId), isNull(encryptionKeys.retiredAt)))
    .returning({ id: encryptionKeys.id });
  return rows.map((r) => r.id);
}

/** Holds off other writers of sealed values (config changes, new releases, new add-ons) until the transaction ends. */
export async function lockSealedValues(db: Database) {
  await db.execute(sql`LOCK TABLE env_vars, releases, addons IN SHARE ROW EXCLUSIVE MODE`);
}
