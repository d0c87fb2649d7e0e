// A cache hit re-verifies its layer (every file hashed against the store's record), which costs two
// Nix commands per build. A layer verified moments ago is trusted again while its tree is exactly
// as it was then: the same files with the same inode, size, mode and change time. Writing, chmod,
// replacing or deleting any file changes that fingerprint, and a removed path has none; both are
// verified afresh. What a fingerprint cannot see (bits rotting in place) waits out the TTL.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { isValid, type NixEnv, verifyPath } from "../nix/index.ts";

/** How long a verified layer is trusted without hashing it again (its fingerprint still checked). */
export const VERIFIED_LAYER_TTL_MS = 10 * 60_000;

const verified = new Map<string, { at: number; fingerprint: string }>();

/** Every entry under `path` (itself included) by name, inode, size, mode and ctime; null when it is gone. */
export function treeFingerprint(path: string): string | null {
  const hash = createHash("sha256");
  const add = (file: string) => {
    const s = lstatSync(file, { bigint: true });
    hash.update(`${relative(path, file)}\0${s.ino}\0${s.size}\0${s.mode}\0${s.ctimeNs}\n`);
  };
  try {
    add(path);
    if (lstatSync(path).isDirectory())
      for (const e of readdirSync(path, { recursive: true, withFileTypes: true })) add(join(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  return hash.digest("hex");
}

/**
 * Whether the store still holds `storePath` intact: answered from memory when it was verified
 * within the TTL and its tree has not changed since, else by Nix (validity, then every file's hash).
 */
export async function layerIntact(nix: NixEnv, storePath: string, now = Date.now()): Promise<boolean> {
  const before = treeFingerprint(storePath);
  const known = verified.get(storePath);
  if (before && known && now - known.at < VERIFIED_LAYER_TTL_MS && known.fingerprint === before) return true;
  verified.delete(storePath);
  if (!before) return false;
  const intact = (await isValid(nix, storePath)) && (await verifyPath(nix, storePath));
  // Only a tree that did not change while Nix hashed it is remembered as the one verified.
  if (intact && treeFingerprint(storePath) === before) {
    for (const [path, v] of verified) if (now - v.at >= VERIFIED_LAYER_TTL_MS) verified.delete(path);
    verified.set(storePath, { at: now, fingerprint: before });
  }
  return intact;
}

/** Forgets every layer verified so far (tests start from a clean memory). */
export function forgetVerifiedLayers() {
  verified.clear();
}
