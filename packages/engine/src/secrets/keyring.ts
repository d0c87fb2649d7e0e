import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
}

export class KeyMissingError extends Error {
  readonly code = "KEY_MISSING";
}

export function openKeyring(home: string): Keyring {
  const dir = join(home, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const currentFile = join(dir, "current");
  if (!existsSync(currentFile)) writeCurrent(dir, createKey(dir));
  let currentId = readFileSync(currentFile, "utf8").trim();
  const cache = new Map<string, Buffer>();
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
        k = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
        if (k.length !== KEY_BYTES) throw new KeyMissingError(`Encryption key file for "${id}" is damaged (wrong length).`);
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
  };
  keyring.key(currentId);
  return keyring;
}

/** Writes a fresh random key and returns its id. */
export function createKey(dir: string): string {
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(4).toString("hex")}`;
  const tmp = join(dir, `.${id}.tmp`);
  writeFileSync(tmp, randomBytes(KEY_BYTES).toString("base64"), { mode: 0o600 });
  renameSync(tmp, join(dir, `${id}.key`));
  return id;
}

/** Makes `id` the key new values are sealed with. */
export function writeCurrent(dir: string, id: string) {
  const tmp = join(dir, ".current.tmp");
  writeFileSync(tmp, id, { mode: 0o600 });
  renameSync(tmp, join(dir, "current"));
}
