export { open, type Sealed, seal } from "./cipher.ts";
export { createKey, KeyMissingError, type Keyring, loadKeyring, openKeyring, writeCurrent } from "./keyring.ts";
export { type KeyWrapper, VaultError, type VaultSettings, vaultTransit } from "./vault.ts";
