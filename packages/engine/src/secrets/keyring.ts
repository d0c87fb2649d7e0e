import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyWrapper } from "./vault.ts";

const KEY_BYTES = 32;
const KEY_FILE = /^([A-Za-z0-9_-]{1,64})\.key$/;

/**
 * The data-encryption keys, one file each under `<home>/keys/` (mode 0600), and a `current`
 * file naming the one new values are sealed with. Old keys stay so old values still open;
 * the database only ever sees key ids.
 */
export interface Keyring {
  readonly dir: string;
  readonly currentId: string;
  key(id: string): Buffer;
  ids(): string[];
  /** Seals new values with `id` from now on, in this process; `writeCurrent` makes it last. */
  useKey(id: string): void;
  /** Writes a fresh key (wrapped by Vault when configured) and returns its id. */
  create(): Promise<string>;
}

const WRAPPED = "vault:";

/**
 * The keyring, with key files Vault wrapped opened through `wrapper` first (key() itself stays
 * synchronous). Without a wrapper, a wrapped key cannot be read and says so.
 */
export async function loadKeyring(home: string, wrapper?: KeyWrapper): Promise<Keyring> {
  const dir = join(home, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, "current"))) writeCurrent(dir, wrapper ? await createWrappedKey(dir, wrapper, new Map()) : createKey(dir));
  const opened = new Map<string, Buffer>();
  if (wrapper) {
    for (const f of readdirSync(dir)) {
      const id = KEY_FILE.exec(f)?.[1];
      const text = id ? readFileSync(join(dir, f), "utf8").trim() : "";
      if (id && text.startsWith(WRAPPED)) opened.set(id, checkLength(id, await wrapper.unwrap(text)));
    }
  }
  return openKeyring(home, { opened, ...(wrapper ? { wrapper } : {}) });
}

function checkLength(id: string, k: Buffer): Buffer {
  if (k.length !== KEY_BYTES) throw new KeyMissingError(`Encryption key file for "${id}" is damaged (wrong length).`);
  return k;
}

async function createWrappedKey(dir: string, wrapper: KeyWrapper, cache: Map<string, Buffer>): Promise<string> {
  const raw = randomBytes(KEY_BYTES);
  const id = newKeyId();
  writeKeyFile(dir, id, await wrapper.wrap(raw));
  cache.set(id, raw);
  return id;
}

export class KeyMissingError extends Error {
  readonly code = "KEY_MISSING";
}

export function openKeyring(home: string, vault: { opened?: Map<string, Buffer>; wrapper?: KeyWrapper } = {}): Keyring {
  const dir = join(home, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const currentFile = join(dir, "current");
  if (!existsSync(currentFile)) writeCurrent(dir, createKey(dir));
  let currentId = readFileSync(currentFile, "utf8").trim();
  const cache = new Map<string, Buffer>(vault.opened);
  const keyring: Keyring = {
    dir,
    get currentId() {
      return currentId;
    },
    key(id) {
      let k = cache.get(id);
      if (!k) {
        const file = join(dir, `${id}.key`);
        if (!KEY_FILE.test(`${id}.key`) || !existsSync(file)) {
          throw new KeyMissingError(`Encryption key "${id}" is not in ${dir}; values sealed with it cannot be read.`);
        }
        const text = readFileSync(file, "utf8").trim();
        if (text.startsWith(WRAPPED)) {
          throw new KeyMissingError(
            `Encryption key "${id}" is wrapped by Vault: set SKYPANEL_VAULT_ADDR and SKYPANEL_VAULT_TOKEN (and the transit key) to open it.`,
          );
        }
        k = checkLength(id, Buffer.from(text, "base64"));
        cache.set(id, k);
      }
      return k;
    },
    ids() {
      return readdirSync(dir)
        .map((f) => KEY_FILE.exec(f)?.[1])
        .filter((id): id is string => Boolean(id));
    },
    useKey(id) {
      keyring.key(id);
      currentId = id;
    },
    async create() {
      return vault.wrapper ? createWrappedKey(dir, vault.wrapper, cache) : createKey(dir);
    },
  };
  keyring.key(currentId);
  return keyring;
}

const newKeyId = () => `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(4).toString("hex")}`;

function writeKeyFile(dir: string, id: string, content: string) {
  const tmp = join(dir, `.${id}.tmp`);
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, join(dir, `${id}.key`));
}

/** Writes a fresh random key (not wrapped) and returns its id. */
export function createKey(dir: string): string {
  const id = newKeyId();
  writeKeyFile(dir, id, randomBytes(KEY_BYTES).toString("base64"));
  return id;
}

/** Makes `id` the key new values are sealed with. */
export function writeCurrent(dir: string, id: string) {
  const tmp = join(dir, ".current.tmp");
  writeFileSync(tmp, id, { mode: 0o600 });
  renameSync(tmp, join(dir, "current"));
}
