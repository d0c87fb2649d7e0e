import type { Database, Release } from "@skypanel/db";
import {
  findBuild,
  findCurrentRelease,
  findRelease,
  findReleaseById,
  insertRelease,
  isUuid,
  listEnvVars,
  listReleases,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { sealContext } from "../config-vars/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError } from "../errors.ts";
import { open } from "../secrets/index.ts";

/** The sealed config values a release carries: still AES-GCM ciphertext, never plaintext. */
export interface ConfigSnapshot {
  vars: Record<string, { ciphertext: string; nonce: string; keyId: string }>;
}

export class ReleaseNotFoundError extends EngineError {
  constructor(what: string) {
    super("NOT_FOUND", `No release ${what} on this app.`);
  }
}

export function createReleases(deps: EngineDeps, apps: Apps) {
  const { db, keyring } = deps;

  async function snapshotConfig(tx: Database, appId: string): Promise<ConfigSnapshot> {
    const rows = await listEnvVars(tx, appId);
    return {
      vars: Object.fromEntries(
        rows.map((r) => [
          r.key,
          { ciphertext: Buffer.from(r.ciphertext).toString("base64"), nonce: Buffer.from(r.nonce).toString("base64"), keyId: r.keyId },
        ]),
      ),
    };
  }

  return {
    snapshotConfig,

    /** A release from a succeeded build and the app's config as it is now. */
    async fromBuild(tx: Database, actor: Actor, appId: string, buildId: string, description?: string): Promise<Release> {
      const build = await findBuild(tx, appId, buildId);
      if (!build) throw new EngineError("NOT_FOUND", `No build with id "${buildId}" on this app.`);
      if (build.status !== "succeeded" || !build.storePath) {
        throw new EngineError("PRECONDITION_FAILED", `Build #${build.number} is ${build.status}; only a succeeded build can be released.`);
      }
      return insertRelease(tx, {
        appId,
        buildId: build.id,
        storePath: build.storePath,
        processes: build.plan?.processes ?? {},
        releaseCommand: build.plan?.release ?? null,
        configSnapshot: await snapshotConfig(tx, appId),
        kind: "build",
        description: description ?? `Deploy build #${build.number}`,
        createdBy: actor.userId,
      });
    },

    /**
     * A release of the running build with the app's config as it is now, after a config change;
     * null when the app has no release yet (the next deploy picks the config up).
     */
    async fromConfig(tx: Database, actor: Actor, appId: string, description: string): Promise<Release | null> {
      const current = await findCurrentRelease(tx, appId);
      if (!current) return null;
      return insertRelease(tx, {
        appId,
        buildId: current.buildId,
        storePath: current.storePath,
        processes: current.processes,
        releaseCommand: current.releaseCommand,
        configSnapshot: await snapshotConfig(tx, appId),
        kind: "config",
        description,
        createdBy: actor.userId,
      });
    },

    /** A new release running an earlier one's build and config again. */
    async rollbackTo(tx: Database, actor: Actor, target: Release): Promise<Release> {
      return insertRelease(tx, {
        appId: target.appId,
        buildId: target.buildId,
        storePath: target.storePath,
        processes: target.processes,
        releaseCommand: target.releaseCommand,
        configSnapshot: target.configSnapshot,
        kind: "rollback",
        description: `Rollback to v${target.version}`,
        createdBy: actor.userId,
      });
    },

    async list(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing releases");
      return listReleases(db, app.id);
    },

    async get(actor: Actor, idOrName: string, versionOrId: string | number) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing releases");
      const version = typeof versionOrId === "number" || /^v?\d+$/.test(versionOrId) ? Number(String(versionOrId).replace(/^v/, "")) : null;
      const release =
        version !== null
          ? // Versions are PostgreSQL integers: a bigger number names no release (and must not reach the query).
            Number.isSafeInteger(version) && version <= 2_147_483_647
            ? await findRelease(db, app.id, version)
            : null
          : typeof versionOrId === "string" && isUuid(versionOrId)
            ? await findReleaseById(db, versionOrId)
            : null;
      if (!release || release.appId !== app.id) throw new ReleaseNotFoundError(`"${versionOrId}"`);
      return release;
    },

    /** The environment a release's processes get: its config, decrypted, for the runtime only. */
    environment(release: Release): Record<string, string> {
      const snapshot = release.configSnapshot as ConfigSnapshot;
      const env: Record<string, string> = {};
      for (const [key, sealed] of Object.entries(snapshot.vars ?? {})) {
        env[key] = open(
          keyring,
          { ciphertext: Buffer.from(sealed.ciphertext, "base64"), nonce: Buffer.from(sealed.nonce, "base64"), keyId: sealed.keyId },
          sealContext(release.appId, key),
        );
      }
      return env;
    },
  };
}

export type Releases = ReturnType<typeof createReleases>;
