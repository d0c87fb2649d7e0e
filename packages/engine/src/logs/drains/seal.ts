// A drain's URL (which may carry a token) sealed under the platform's key, bound to the drain's id
// so a sealed URL copied to another row fails to open.
import type { Database, LogDrainRow } from "@skypanel/db";
import { listAllLogDrains, updateLogDrainUrl } from "@skypanel/db/queries";
import { open, type Sealed, seal } from "../../secrets/index.ts";
import type { Keyring } from "../../secrets/keyring.ts";

const sealContext = (drainId: string) => `log-drain:${drainId}`;

export function sealDrainUrl(keyring: Keyring, drainId: string, url: string): Sealed {
  return seal(keyring, url, sealContext(drainId));
}

export function openDrainUrl(keyring: Keyring, row: Pick<LogDrainRow, "id" | "url" | "urlNonce" | "urlKeyId">): string {
  return open(keyring, { ciphertext: row.url, nonce: row.urlNonce, keyId: row.urlKeyId }, sealContext(row.id));
}

/** For a master key rotation: every drain's URL sealed again under `keyId`, so the old key can go. */
export async function resealLogDrains(db: Database, keyring: Keyring, keyId: string): Promise<number> {
  let n = 0;
  for (const row of await listAllLogDrains(db)) {
    if (row.urlKeyId === keyId) continue;
    const sealed = sealDrainUrl(keyring, row.id, openDrainUrl(keyring, row));
    await updateLogDrainUrl(db, row.id, { url: sealed.ciphertext, urlNonce: sealed.nonce, urlKeyId: sealed.keyId });
    n++;
  }
  return n;
}
