import type { Database, Deployment, Release } from "@skypanel/db";
import { deleteAttachmentsNamed, deleteEnvVars, listEnvVars, upsertEnvVars, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { Deployments } from "../deploy/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ConfigVarTakenError, EngineError, ValidationError } from "../errors.ts";
import type { Releases } from "../releases/index.ts";
import { open, seal } from "../secrets/index.ts";
import { roleAllows } from "../teams/index.ts";
import { checkConfigKey, checkConfigValue, MAX_VARS_PER_CHANGE } from "./rules.ts";

export { createKeyRotation, type KeyRotation, type RotationResult } from "./rotate.ts";
export { CONFIG_KEY_RULE, checkConfigKey } from "./rules.ts";

export interface ConfigVar {
  key: string;
  /** Null when the reader's role may not see values (viewers), and for a secret not asked to be revealed. */
  value: string | null;
  isSecret: boolean;
  updatedAt: Date;
}

export interface AppConfig {
  vars: ConfigVar[];
  /** Whether the reader may see values; the dashboard hides the reveal control otherwise. */
  canReveal: boolean;
}

/** What a change made: the config release and its rollout, when the app had a release to roll. */
export interface ConfigChange extends AppConfig {
  release?: { id: string; version: number };
  deploymentId?: string;
}

/** How a config change reaches the running app. */
export interface ConfigRollout {
  releases: Pick<Releases, "fromConfig">;
  deployments: Pick<Deployments, "runtimeEnabled" | "queueRelease" | "announce">;
}

// The value is bound to its app and name, so ciphertext moved to another row will not open.
export const sealContext = (appId: string, key: string) => `env:${appId}:${key}`;

// Names only: a release description is shown to every reader of the app, values never are.
function describeChange(set: string[], removed: string[]): string {
  const list = (keys: string[]) => {
    const sorted = [...keys].sort();
    return sorted.length <= 10 ? sorted.join(", ") : `${sorted.slice(0, 10).join(", ")} and ${sorted.length - 10} more`;
  };
  const parts = [set.length ? `Set ${list(set)}` : "", removed.length ? `${set.length ? "remove" : "Remove"} ${list(removed)}` : ""];
  return parts.filter(Boolean).join("; ");
}

function checkVars(vars: Record<string, unknown>, verb: string) {
  const entries = Object.entries(vars);
  if (entries.length > MAX_VARS_PER_CHANGE) throw new ValidationError(`${verb} at most ${MAX_VARS_PER_CHANGE} config vars at once.`);
  return entries.map(([k, v]) => [checkConfigKey(k), checkConfigValue(k, v)] as const);
}

export function createConfigVars(deps: EngineDeps, apps: Apps, rollout: ConfigRollout) {
  const { db, keyring } = deps;

  async function read(appId: string, canReveal: boolean, revealSecrets: boolean): Promise<ConfigVar[]> {
    const rows = await listEnvVars(db, appId);
    return rows.map((r) => ({
      key: r.key,
      value: canReveal && (revealSecrets || !r.isSecret) ? open(keyring, r, sealContext(appId, r.key)) : null,
      isSecret: r.isSecret,
      updatedAt: r.updatedAt,
    }));
  }

  async function get(actor: Actor, idOrName: string, options: { revealSecrets?: boolean } = {}): Promise<AppConfig> {
    const { app, role } = await apps.resolve(actor, idOrName, "read", "reading config vars");
    const canReveal = roleAllows(role, "write");
    return { vars: await read(app.id, canReveal, options.revealSecrets ?? false), canReveal };
  }

  const sealAll = (appId: string, vars: (readonly [string, string])[], isSecret: boolean) =>
    vars.map(([key, value]) => ({ key, isSecret, ...seal(keyring, value, sealContext(appId, key)) }));

  /**
   * Writes a change and, in the same transaction, the config release it makes and that release's
   * queued rollout, so a change is either stored and on its way to the app, or not made at all.
   */
  async function change(
    actor: Actor,
    appId: string,
    write: (tx: Database) => Promise<{ set: string[]; removed: string[] }>,
    also?: (tx: Database) => Promise<void>,
  ): Promise<ConfigChange> {
    const { release, deployment } = await withActor(db, actor, async (tx): Promise<{ release?: Release; deployment?: Deployment }> => {
      const { set, removed } = await write(tx);
      // A var written or removed here no longer holds an add-on's URL: its attachment goes too.
      // `also` (from the add-ons) then writes the attachment that belongs with the change.
      await deleteAttachmentsNamed(tx, appId, [...set, ...removed]);
      await also?.(tx);
      if (set.length === 0 && removed.length === 0) return {};
      const release = await rollout.releases.fromConfig(tx, actor, appId, describeChange(set, removed));
      const deployment =
        release && rollout.deployments.runtimeEnabled
          ? await rollout.deployments.queueRelease(tx, actor, appId, release.id, { config: true })
          : undefined;
      return { release: release ?? undefined, deployment };
    });
    if (deployment) rollout.deployments.announce(deployment);
    return {
      ...(await get(actor, appId)),
      ...(release ? { release: { id: release.id, version: release.version } } : {}),
      ...(deployment ? { deploymentId: deployment.id } : {}),
    };
  }

  return {
    get,

    /**
     * Sets (adds or replaces) each var; `secret` marks them secret (their values are shown only
     * when asked for); `onlyNew` refuses (and changes nothing) when one is already set. All names
     * and values are checked before anything is written.
     */
    async set(
      actor: Actor,
      idOrName: string,
      vars: Record<string, unknown>,
      options: { secret?: boolean; onlyNew?: boolean; also?: (tx: Database) => Promise<void> } = {},
    ): Promise<ConfigChange> {
      const checked = checkVars(vars, "Set");
      if (checked.length === 0) throw new ValidationError("Give at least one config var to set.");
      const { app } = await apps.resolve(actor, idOrName, "write", "setting config vars");
      const sealed = sealAll(app.id, checked, options.secret ?? false);
      return change(
        actor,
        app.id,
        async (tx) => {
          if (options.onlyNew) {
            const taken = (await listEnvVars(tx, app.id)).find((r) => sealed.some((v) => v.key === r.key));
            if (taken) throw new ConfigVarTakenError(taken.key, app.name);
          }
          await upsertEnvVars(tx, app.id, sealed);
          return { set: sealed.map((v) => v.key), removed: [] };
        },
        options.also,
      );
    },

    /**
     * Removes the named vars; naming one that is not set is an error and removes nothing. `also`
     * runs in the same transaction (an add-on's attachment row goes with its var).
     */
    async unset(
      actor: Actor,
      idOrName: string,
      keys: string[],
      options: { also?: (tx: Database) => Promise<void> } = {},
    ): Promise<ConfigChange> {
      if (keys.length === 0) throw new ValidationError("Name at least one config var to unset.");
      if (keys.length > MAX_VARS_PER_CHANGE) throw new ValidationError(`Unset at most ${MAX_VARS_PER_CHANGE} config vars at once.`);
      for (const k of keys) checkConfigKey(k);
      const { app } = await apps.resolve(actor, idOrName, "write", "unsetting config vars");
      return change(
        actor,
        app.id,
        async (tx) => {
          const removed = await deleteEnvVars(tx, app.id, keys);
          const missing = keys.filter((k) => !removed.includes(k));
          // Throwing rolls the transaction back, so a partly wrong request changes nothing.
          if (missing.length) throw new EngineError("NOT_FOUND", `No config var named ${missing.join(", ")} on ${app.name}.`);
          return { set: [], removed };
        },
        options.also,
      );
    },

    /** Makes the app's config exactly these vars and secrets: anything not named is removed, in one change. */
    async replace(
      actor: Actor,
      idOrName: string,
      input: { vars?: Record<string, unknown>; secrets?: Record<string, unknown> },
    ): Promise<ConfigChange> {
      const vars = checkVars(input.vars ?? {}, "Set");
      const secrets = checkVars(input.secrets ?? {}, "Set");
      const both = vars.filter(([k]) => secrets.some(([s]) => s === k)).map(([k]) => k);
      if (both.length) throw new ValidationError(`${both.join(", ")} is named both as a var and as a secret.`);
      if (vars.length + secrets.length > MAX_VARS_PER_CHANGE)
        throw new ValidationError(`An app has at most ${MAX_VARS_PER_CHANGE} config vars.`);
      const { app } = await apps.resolve(actor, idOrName, "write", "setting config vars");
      const sealed = [...sealAll(app.id, vars, false), ...sealAll(app.id, secrets, true)].sort((a, b) => a.key.localeCompare(b.key));
      return change(actor, app.id, async (tx) => {
        const named = new Set(sealed.map((v) => v.key));
        const removed = await deleteEnvVars(
          tx,
          app.id,
          (await listEnvVars(tx, app.id)).map((r) => r.key).filter((k) => !named.has(k)),
        );
        await upsertEnvVars(tx, app.id, sealed);
        return { set: sealed.map((v) => v.key), removed };
      });
    },
  };
}

export type ConfigVars = ReturnType<typeof createConfigVars>;
