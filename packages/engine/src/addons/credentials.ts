// An add-on's connection URL, sealed on its own row like a config var, so the add-on can be
// attached again after a detach and to other apps without anyone reading it out of an app.
import type { Addon } from "@skypanel/db";
import { open, type Sealed, seal } from "../secrets/index.ts";
import type { Keyring } from "../secrets/keyring.ts";

export const addonSealContext = (addonId: string) => `addon:${addonId}`;

export function sealAddonUrl(keyring: Keyring, addonId: string, url: string): Sealed {
  return seal(keyring, url, addonSealContext(addonId));
}

export function openAddonUrl(keyring: Keyring, row: Addon): string {
  if (!row.credentials || !row.credentialsNonce || !row.credentialsKeyId) {
    throw new Error(`add-on ${row.name} has no stored credentials (made before they were kept; attach it by hand)`);
  }
  return open(keyring, { ciphertext: row.credentials, nonce: row.credentialsNonce, keyId: row.credentialsKeyId }, addonSealContext(row.id));
}
