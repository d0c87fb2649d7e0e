import { and, asc, eq, inArray, isNull } from "drizzle-orm";
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
