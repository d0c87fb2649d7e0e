import { createHash } from "node:crypto";
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "@skypanel/db";
import { deleteCacheEntry, findCacheEntry, recordCacheHit, upsertCacheEntry } from "@skypanel/db/queries";
import { ValidationError } from "../errors.ts";
import { addGcRoot, addToStore, type NixEnv, pathInfo } from "../nix/index.ts";
import type { RemoteLayerCache } from "./remote-cache.ts";
import { layerIntact } from "./verified-layers.ts";

export interface Layer {
  storePath: string;
  cacheKey: string;
  hit: boolean;
  sizeBytes: number;
}

/** A cache key: everything that decides a dependency layer's contents, and nothing else. */
export function cacheKey(parts: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** The SHA-256 (hex) of each file a layer is keyed by, read with `read`: for cacheKey's `files`. */
export function hashFiles(files: string[], read: (file: string) => string | Buffer): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, createHash("sha256").update(read(f)).digest("hex")]));
}

/**
 * A dependency layer by key: reused when the store still holds it intact (its files still
 * hash to what was recorded, or did moments ago and are untouched since: verified-layers.ts),
 * otherwise made by `make` (which returns a directory) and stored.
 */
export async function cachedLayer(
  db: Database,
  nix: NixEnv,
  o: {
    key: string;
    stack: string;
    appId: string;
    log: (line: string) => void;
    make: () => Promise<string>;
    remote?: RemoteLayerCache | null;
    /** How the log names the layer; "dependency layer" unless said. */
    what?: string;
    /** The most the fetched layer may hold (MAX_LAYER_BYTES unless said). */
    maxBytes?: number;
  },
): Promise<Layer & { source: "local" | "remote" | "fetched" }> {
  const what = o.what ?? "dependency layer";
  const entry = await findCacheEntry(db, o.key);
  if (entry) {
    if (await layerIntact(nix, entry.storePath)) {
      addGcRoot(entry.storePath, `deps-${o.key}`);
      await recordCacheHit(db, o.key);
      o.log(`-----> ${what}: cache hit (${o.key.slice(0, 12)}, ${formatBytes(entry.sizeBytes)})`);
      return { storePath: entry.storePath, cacheKey: o.key, hit: true, sizeBytes: entry.sizeBytes, source: "local" };
    }
    o.log(`-----> ${what}: cached copy ${o.key.slice(0, 12)} is missing or damaged; fetching again`);
    await deleteCacheEntry(db, o.key);
  } else {
    o.log(`-----> ${what}: cache miss (${o.key.slice(0, 12)})`);
  }
  const record = async (storePath: string) => {
    addGcRoot(storePath, `deps-${o.key}`);
    const info = await pathInfo(nix, storePath);
    await upsertCacheEntry(db, {
      cacheKey: o.key,
      appId: o.appId,
      storePath,
      sizeBytes: info.narSize,
      stack: o.stack,
      narHash: info.narHash,
    });
    return info;
  };
  if (o.remote) {
    const fromRemote = await o.remote.fetch(nix, o.key).catch((err: Error) => {
      o.log(` !     remote cache: ${err.message}; fetching instead`);
      return null;
    });
    if (fromRemote) {
      const info = await record(fromRemote.storePath);
      o.log(`-----> ${what}: remote cache hit (${formatBytes(info.narSize)})`);
      return { storePath: fromRemote.storePath, cacheKey: o.key, hit: true, sizeBytes: info.narSize, source: "remote" };
    }
  }
  const dir = await o.make();
  // Every stack's layer, whatever its fetcher checked: past this it is refused, not stored.
  const bytes = treeBytes(dir);
  const maxBytes = o.maxBytes ?? MAX_LAYER_BYTES;
  if (bytes > maxBytes)
    throw new ValidationError(`The ${what} comes to ${formatBytes(bytes)}, more than the ${formatBytes(maxBytes)} a build may fetch.`);
  const storePath = await addToStore(nix, dir, `deps-${o.key}`);
  // Verified now, where a fetch already costs seconds, so the warm build that follows need not;
  // an equal tree already in the store is not copied again by Nix, so its copy is what is checked.
  await layerIntact(nix, storePath);
  const info = await record(storePath);
  o.log(`-----> ${what} stored: ${formatBytes(info.narSize)}`);
  if (o.remote) {
    // An upload failure does not fail the build; other machines then fetch for themselves.
    await o.remote.store(nix, o.key, storePath).then(
      () => o.log(`-----> ${what} uploaded to the remote cache`),
      (err: Error) => o.log(` !     remote cache upload failed: ${err.message}`),
    );
  }
  return { storePath, cacheKey: o.key, hit: false, sizeBytes: info.narSize, source: "fetched" };
}

/** The most a fetched layer may hold (dependencies of any stack, a runtime). */
export const MAX_LAYER_BYTES = 2 * 1024 * 1024 * 1024;

/** The bytes of the regular files under `dir`, links not followed. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += lstatSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
