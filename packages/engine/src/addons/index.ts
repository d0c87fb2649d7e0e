// Managed add-ons: a PostgreSQL database or a Redis user on a server the operator registers,
// attached to an app as a config var (DATABASE_URL, REDIS_URL) whose value is the credentials.
import { randomUUID } from "node:crypto";
import type { Addon } from "@skypanel/db";
import { deleteAddon, findAddon, insertAddon, listAddons, listEnvVars, updateAddon, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { type ConfigVars, checkConfigKey } from "../config-vars/index.ts";
import type { EngineDeps } from "../deps.ts";
import { AddonNotFoundError, AddonServerMissingError, ConfigVarTakenError, ValidationError } from "../errors.ts";
import { createPostgresAddon, dropPostgresAddon, POSTGRES_PLANS } from "./postgres.ts";
import { createRedisAddon, dropRedisAddon, REDIS_PLANS } from "./redis.ts";

/** The servers add-ons are made on: admin URLs the operator registers (SKYPANEL_ADDON_*_URL). */
export interface AddonServers {
  postgresUrl?: string;
  redisUrl?: string;
}

export const ADDON_TYPES = {
  postgresql: { setting: "SKYPANEL_ADDON_POSTGRES_URL", defaultAs: "DATABASE_URL", plans: POSTGRES_PLANS },
  redis: { setting: "SKYPANEL_ADDON_REDIS_URL", defaultAs: "REDIS_URL", plans: REDIS_PLANS },
} as const;
export type AddonType = keyof typeof ADDON_TYPES;

/** What the row keeps besides type and plan; never a password (that lives only in the sealed config var). */
interface AddonDetails {
  /** Database, role or ACL user name on the server. */
  resource: string;
  /** host:port of the server. */
  server: string;
  /** The config var the add-on is attached as; null once detached. */
  attachedAs: string | null;
  connectionLimit?: number;
}

export interface AddonView {
  id: string;
  name: string;
  type: string;
  plan: string;
  status: string;
  attachedAs: string | null;
  resource: string;
  server: string;
  connectionLimit: number | null;
  createdAt: Date;
}

function view(row: Addon): AddonView {
  const d = row.details as AddonDetails;
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    plan: row.plan,
    status: row.status,
    attachedAs: d.attachedAs,
    resource: d.resource,
    server: d.server,
    connectionLimit: d.connectionLimit ?? null,
    createdAt: row.createdAt,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAddons(deps: EngineDeps, apps: Apps, config: ConfigVars, servers: AddonServers = {}) {
  const { db } = deps;

  function serverFor(type: AddonType) {
    const url = type === "postgresql" ? servers.postgresUrl : servers.redisUrl;
    if (!url) throw new AddonServerMissingError(type === "postgresql" ? "PostgreSQL" : "Redis", ADDON_TYPES[type].setting);
    return url;
  }

  async function find(actor: Actor, idOrName: string, addonId: string, permission: "read" | "write", what: string) {
    const { app } = await apps.resolve(actor, idOrName, permission, what);
    const row = UUID.test(addonId) ? await findAddon(db, app.id, addonId) : null;
    if (!row) throw new AddonNotFoundError(addonId);
    return { app, row };
  }

  const provision = (type: AddonType, url: string, resource: string, plan: string) =>
    type === "postgresql" ? createPostgresAddon(url, resource, plan as keyof typeof POSTGRES_PLANS) : createRedisAddon(url, resource);
  const deprovision = (type: AddonType, url: string, resource: string) =>
    type === "postgresql" ? dropPostgresAddon(url, resource) : dropRedisAddon(url, resource);

  return {
    async list(actor: Actor, idOrName: string): Promise<AddonView[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing add-ons");
      return (await listAddons(db, app.id)).map(view);
    },

    async get(actor: Actor, idOrName: string, addonId: string): Promise<AddonView> {
      return view((await find(actor, idOrName, addonId, "read", "viewing add-ons")).row);
    },

    /**
     * Makes the add-on on the registered server and attaches it as a secret config var (a config
     * release). A name already set is a conflict; on any failure the server objects are dropped again.
     */
    async create(actor: Actor, idOrName: string, input: { type: string; plan?: string; as?: string }): Promise<AddonView> {
      if (!Object.hasOwn(ADDON_TYPES, input.type))
        throw new ValidationError(`Add-on type must be one of ${Object.keys(ADDON_TYPES).join(", ")}.`);
      const type = input.type as AddonType;
      const spec = ADDON_TYPES[type];
      const plan = input.plan ?? "hobby";
      if (!Object.hasOwn(spec.plans, plan))
        throw new ValidationError(`A ${type} add-on's plan is one of ${Object.keys(spec.plans).join(", ")}.`);
      const as = checkConfigKey(input.as ?? spec.defaultAs);
      const { app } = await apps.resolve(actor, idOrName, "write", "creating add-ons");
      const serverUrl = serverFor(type);
      if ((await listEnvVars(db, app.id)).some((v) => v.key === as)) throw new ConfigVarTakenError(as, app.name);

      const id = randomUUID();
      const resource = `addon_${id.replaceAll("-", "")}`;
      const details: AddonDetails = {
        resource,
        server: new URL(serverUrl).host,
        attachedAs: as,
        ...(type === "postgresql" ? { connectionLimit: POSTGRES_PLANS[plan as keyof typeof POSTGRES_PLANS].connectionLimit } : {}),
      };
      const row = await withActor(db, actor, (tx) =>
        insertAddon(tx, { id, appId: app.id, name: `${type}-${id.slice(0, 8)}`, type, plan, details: { ...details } }),
      );
      try {
        const url = await provision(type, serverUrl, resource, plan);
        await config.set(actor, app.id, { [as]: url }, { secret: true, onlyNew: true });
        return view(await withActor(db, actor, (tx) => updateAddon(tx, row.id, { status: "available" })));
      } catch (err) {
        await deprovision(type, serverUrl, resource).catch((e) => console.error(`[addons] could not drop ${resource}:`, e));
        await withActor(db, actor, (tx) => deleteAddon(tx, row.id));
        throw err;
      }
    },

    /** Removes the add-on's config var from the app (a config release); the data stays. */
    async detach(actor: Actor, idOrName: string, addonId: string): Promise<AddonView> {
      const { app, row } = await find(actor, idOrName, addonId, "write", "detaching add-ons");
      const details = row.details as AddonDetails;
      if (details.attachedAs && (await listEnvVars(db, app.id)).some((v) => v.key === details.attachedAs)) {
        await config.unset(actor, app.id, [details.attachedAs]);
      }
      return view(await withActor(db, actor, (tx) => updateAddon(tx, row.id, { details: { ...details, attachedAs: null } })));
    },

    /** Detaches, drops the database and role (or the Redis user and its keys), and deletes the add-on. */
    async destroy(actor: Actor, idOrName: string, addonId: string, input: { confirm?: string }): Promise<{ id: string; name: string }> {
      const { app, row } = await find(actor, idOrName, addonId, "write", "destroying add-ons");
      if (input.confirm !== app.name) {
        throw new ValidationError(`Destroying an add-on deletes its data: confirm with the app's name, "${app.name}".`);
      }
      const type = row.type as AddonType;
      const details = row.details as AddonDetails;
      if (details.attachedAs && (await listEnvVars(db, app.id)).some((v) => v.key === details.attachedAs)) {
        await config.unset(actor, app.id, [details.attachedAs]);
      }
      await deprovision(type, serverFor(type), details.resource);
      await withActor(db, actor, (tx) => deleteAddon(tx, row.id));
      return { id: row.id, name: row.name };
    },
  };
}

export type Addons = ReturnType<typeof createAddons>;
