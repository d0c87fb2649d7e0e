export { open, type Sealed, seal } from "./cipher.ts";
export { createKey, KeyMissingError, type Keyring, openKeyring, writeCurrent } from "./keyring.ts";
