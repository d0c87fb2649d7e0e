export { open, type Sealed, seal } from "./cipher.ts";
export { createKey, type Keyring, KeyMissingError, openKeyring, writeCurrent } from "./keyring.ts";
