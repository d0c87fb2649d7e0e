import type { Database } from "@skypanel/db";
import { deleteCacheEntry, listCacheEntries } from "@skypanel/db/queries";
import { removeGcRoot } from "../nix/index.ts";

export interface PruneOptions {
  /** Drop layers not used for this many days. */
  maxAgeDays?: number;
  /** Then drop the least recently used until the rest fit in this many bytes. */
  maxBytes?: number;
  dryRun?: boolean;
  now?: Date;
}

export interface PruneReport {
  dryRun: boolean;
  removed: { cacheKey: string; sizeBytes: number; lastUsedAt: Date; why: "age" | "size" }[];
  freedBytes: number;
  keptBytes: number;
}

/**
 * Prunes the dependency cache by age, then by size (least recently used first). A pruned
 * layer loses its GC root; the store space returns at the next Nix garbage collection.
 */
export async function pruneBuildCache(db: Database, o: PruneOptions = {}): Promise<PruneReport> {
  const now = o.now ?? new Date();
  const entries = await listCacheEntries(db); // least recently used first
  const removed: PruneReport["removed"] = [];
  const kept: typeof entries = [];
  for (const e of entries) {
    const old = o.maxAgeDays !== undefined && now.getTime() - e.lastUsedAt.getTime() > o.maxAgeDays * 86_400_000;
    if (old) removed.push({ cacheKey: e.cacheKey, sizeBytes: e.sizeBytes, lastUsedAt: e.lastUsedAt, why: "age" });
    else kept.push(e);
  }
  let keptBytes = kept.reduce((sum, e) => sum + e.sizeBytes, 0);
  if (o.maxBytes !== undefined) {
    while (keptBytes > o.maxBytes && kept.length > 0) {
      const e = kept.shift();
      if (!e) break;
      keptBytes -= e.sizeBytes;
      removed.push({ cacheKey: e.cacheKey, sizeBytes: e.sizeBytes, lastUsedAt: e.lastUsedAt, why: "size" });
    }
  }
  if (!o.dryRun) {
    for (const r of removed) {
      await deleteCacheEntry(db, r.cacheKey);
      removeGcRoot(`deps-${r.cacheKey}`);
    }
  }
  return { dryRun: Boolean(o.dryRun), removed, freedBytes: removed.reduce((s, r) => s + r.sizeBytes, 0), keptBytes };
}
