import { deleteEnvVars, listEnvVars, upsertEnvVars, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import { open, seal } from "../secrets/index.ts";
import { roleAllows } from "../teams/index.ts";
import { checkConfigKey, checkConfigValue, MAX_VARS_PER_CHANGE } from "./rules.ts";

export { CONFIG_KEY_RULE, checkConfigKey } from "./rules.ts";

export interface ConfigVar {
  key: string;
  /** Null when the reader's role may not see values (viewers). */
  value: string | null;
  isSecret: boolean;
  updatedAt: Date;
}

export interface AppConfig {
  vars: ConfigVar[];
  /** Whether the reader may see values; the dashboard hides the reveal control otherwise. */
  canReveal: boolean;
}

// The value is bound to its app and name, so ciphertext moved to another row will not open.
export const sealContext = (appId: string, key: string) => `env:${appId}:${key}`;

export function createConfigVars(deps: EngineDeps, apps: Apps) {
  const { db, keyring } = deps;

  async function read(appId: string, reveal: boolean): Promise<ConfigVar[]> {
    const rows = await listEnvVars(db, appId);
    return rows.map((r) => ({
      key: r.key,
      value: reveal ? open(keyring, r, sealContext(appId, r.key)) : null,
      isSecret: r.isSecret,
      updatedAt: r.updatedAt,
    }));
  }

  async function get(actor: Actor, idOrName: string): Promise<AppConfig> {
    const { app, role } = await apps.resolve(actor, idOrName, "read", "reading config vars");
    const canReveal = roleAllows(role, "write");
    return { vars: await read(app.id, canReveal), canReveal };
  }

  return {
    get,

    /** Sets (adds or replaces) each var. All names and values are checked before anything is written. */
    async set(actor: Actor, idOrName: string, vars: Record<string, unknown>): Promise<AppConfig> {
      const entries = Object.entries(vars);
      if (entries.length === 0) throw new ValidationError("Give at least one config var to set.");
      if (entries.length > MAX_VARS_PER_CHANGE) throw new ValidationError(`Set at most ${MAX_VARS_PER_CHANGE} config vars at once.`);
      const checked = entries.map(([k, v]) => [checkConfigKey(k), checkConfigValue(k, v)] as const);
      const { app } = await apps.resolve(actor, idOrName, "write", "setting config vars");
      const sealed = checked.map(([key, value]) => ({ key, ...seal(keyring, value, sealContext(app.id, key)) }));
      await withActor(db, actor, (tx) => upsertEnvVars(tx, app.id, sealed));
      return get(actor, app.id);
    },

    /** Removes the named vars; naming one that is not set is an error and removes nothing. */
    async unset(actor: Actor, idOrName: string, keys: string[]): Promise<AppConfig> {
      if (keys.length === 0) throw new ValidationError("Name at least one config var to unset.");
      if (keys.length > MAX_VARS_PER_CHANGE) throw new ValidationError(`Unset at most ${MAX_VARS_PER_CHANGE} config vars at once.`);
      for (const k of keys) checkConfigKey(k);
      const { app } = await apps.resolve(actor, idOrName, "write", "unsetting config vars");
      await withActor(db, actor, async (tx) => {
        const removed = await deleteEnvVars(tx, app.id, keys);
        const missing = keys.filter((k) => !removed.includes(k));
        // Throwing rolls the transaction back, so a partly wrong request changes nothing.
        if (missing.length) throw new EngineError("NOT_FOUND", `No config var named ${missing.join(", ")} on ${app.name}.`);
      });
      return get(actor, app.id);
    },
  };
}

export type ConfigVars = ReturnType<typeof createConfigVars>;
