import type { Database } from "@skypanel/db";
import { listCacheEntries } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { collectGarbage, type GcOptions, type NixEnv, optimiseStore } from "../nix/index.ts";
import { type PruneOptions, pruneBuildCache } from "./prune.ts";

function requireAdmin(actor: Actor) {
  if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can look after the build cache and the Nix store.");
}

function checkNumber(name: string, v: number | undefined, max: number) {
  if (v !== undefined && (!Number.isFinite(v) || v < 0 || v > max)) throw new ValidationError(`${name} must be a number from 0 to ${max}.`);
}

/** The operator's levers over build storage: the dependency cache and the Nix store. */
export function createBuildMaintenance(db: Database, nix: () => Promise<NixEnv>) {
  return {
    async cache(actor: Actor) {
      requireAdmin(actor);
      const entries = await listCacheEntries(db);
      return { entries, totalBytes: entries.reduce((s, e) => s + e.sizeBytes, 0) };
    },
    async prune(actor: Actor, o: PruneOptions) {
      requireAdmin(actor);
      checkNumber("maxAgeDays", o.maxAgeDays, 3650);
      checkNumber("maxBytes", o.maxBytes, 2 ** 50);
      return pruneBuildCache(db, { maxAgeDays: o.maxAgeDays, maxBytes: o.maxBytes, dryRun: o.dryRun });
    },
    async gc(actor: Actor, o: GcOptions) {
      requireAdmin(actor);
      checkNumber("olderThanDays", o.olderThanDays, 3650);
      checkNumber("maxFreedBytes", o.maxFreedBytes, 2 ** 50);
      return collectGarbage(await nix(), o);
    },
    async optimise(actor: Actor) {
      requireAdmin(actor);
      return optimiseStore(await nix());
    },
  };
}
