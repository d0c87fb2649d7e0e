import {
  ensureEncryptionKey,
  listAllAddonCredentials,
  listAllEnvVars,
  listReleaseSnapshots,
  lockSealedValues,
  resealEnvVar,
  retireEncryptionKeys,
  sealAddonCredentials,
  updateReleaseSnapshot,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { resealAddonBackupKeys } from "../addons/backup-crypto.ts";
import { openAddonUrl, sealAddonUrl } from "../addons/credentials.ts";
import { resealAlertChannels } from "../alerts/channels.ts";
import { resealTotpSecrets } from "../auth/mfa.ts";
import type { EngineDeps } from "../deps.ts";
import { ForbiddenError } from "../errors.ts";
import { resealLogDrains } from "../logs/drains/index.ts";
import { resealPipelineWebhooks } from "../pipelines/review/secret.ts";
import type { ConfigSnapshot } from "../releases/index.ts";
import { open, seal, writeCurrent } from "../secrets/index.ts";
import { sealContext } from "./index.ts";

export interface RotationResult {
  /** The key every value is now sealed with. */
  keyId: string;
  /** Keys nothing in the database uses any more: their files may be removed (kept until an admin does). */
  retired: string[];
  vars: number;
  releases: number;
  addons: number;
}

/** Master key rotation: a new key, and every config value, release snapshot and add-on's credentials sealed again under it. */
export function createKeyRotation(deps: EngineDeps) {
  const { db, keyring } = deps;
  return {
    async rotate(actor: Actor): Promise<RotationResult> {
      if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can rotate the encryption key.");
      const previous = keyring.currentId;
      const keyId = await keyring.create();
      await ensureEncryptionKey(db, keyId);
      // Values set from here on are sealed with the new key; old keys still open what is not yet re-sealed.
      keyring.useKey(keyId);
      try {
        const result = await withActor(db, actor, async (tx) => {
          await lockSealedValues(tx);
          let vars = 0;
          for (const row of await listAllEnvVars(tx)) {
            if (row.keyId === keyId) continue;
            const context = sealContext(row.appId, row.key);
            await resealEnvVar(tx, row.appId, row.key, seal(keyring, open(keyring, row, context), context));
            vars++;
          }
          let releases = 0;
          for (const release of await listReleaseSnapshots(tx)) {
            const snapshot = release.configSnapshot as ConfigSnapshot;
            const entries = Object.entries(snapshot.vars ?? {});
            if (entries.every(([, v]) => v.keyId === keyId)) continue;
            const resealed = entries.map(([key, v]) => {
              const context = sealContext(release.appId, key);
              const value = open(
                keyring,
                { ciphertext: Buffer.from(v.ciphertext, "base64"), nonce: Buffer.from(v.nonce, "base64"), keyId: v.keyId },
                context,
              );
              const s = seal(keyring, value, context);
              return [
                key,
                {
                  ciphertext: Buffer.from(s.ciphertext).toString("base64"),
                  nonce: Buffer.from(s.nonce).toString("base64"),
                  keyId: s.keyId,
                },
              ];
            });
            await updateReleaseSnapshot(tx, release.id, { ...snapshot, vars: Object.fromEntries(resealed) });
            releases++;
          }
          let addons = 0;
          for (const row of await listAllAddonCredentials(tx)) {
            if (row.credentialsKeyId === keyId) continue;
            await sealAddonCredentials(tx, row.id, sealAddonUrl(keyring, row.id, openAddonUrl(keyring, row)));
            addons++;
          }
          // Notification channels' targets and secrets too, so the old key can go.
          await resealAlertChannels(tx, keyring, keyId);
          // And log drains' URLs, which may carry a token.
          await resealLogDrains(tx, keyring, keyId);
          // And users' TOTP secrets.
          await resealTotpSecrets(tx, keyring, keyId);
          // And add-on backups' data keys (the files themselves stay as they are).
          await resealAddonBackupKeys(tx, keyring, keyId);
          // And pipelines' webhook secrets.
          await resealPipelineWebhooks(tx, keyring, keyId);
          return { keyId, retired: await retireEncryptionKeys(tx, keyId), vars, releases, addons };
        });
        writeCurrent(keyring.dir, keyId);
        return result;
      } catch (err) {
        keyring.useKey(previous);
        throw err;
      }
    },
  };
}

export type KeyRotation = ReturnType<typeof createKeyRotation>;
