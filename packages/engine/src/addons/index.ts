// Managed add-ons: a PostgreSQL database or a Redis user on a server the operator registers,
// attached to apps as config vars (DATABASE_URL, REDIS_URL) whose value is the credentials.
// The app that creates an add-on owns it; it can be attached to other apps under other names.
import { randomUUID } from "node:crypto";
import type { Addon } from "@skypanel/db";
import {
  deleteAddon,
  deleteAttachment,
  findAddon,
  findAddonHealth,
  findAppById,
  insertAddon,
  insertAttachment,
  listAddons,
  listAttachmentsOfAddon,
  listAttachmentsOfApp,
  listEnvVars,
  sealAddonCredentials,
  updateAddon,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { type ConfigVars, checkConfigKey } from "../config-vars/index.ts";
import type { EngineDeps } from "../deps.ts";
import { AddonNotFoundError, AddonServerMissingError, ConfigVarTakenError, EngineError, ValidationError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { type BackupOptions, createAddonBackups, type NamedApp } from "./backups.ts";
import { openAddonUrl, sealAddonUrl } from "./credentials.ts";
import { checkGatewayPort, DEFAULT_GATEWAY_PORTS, type GatewayRoute, throughGateway } from "./gateway.ts";
import { createAddonHealth } from "./health.ts";
import { pgDump, pgRestore } from "./pg-dump.ts";
import { createPitr, type PitrWindow, type PointInTimeRestore } from "./pitr/index.ts";
import { createPostgresAddon, dropPostgresAddon, POSTGRES_PLANS } from "./postgres.ts";
import { createRedisAddon, dropRedisAddon, REDIS_PLANS } from "./redis.ts";

// For platform backups, which dump and make add-ons again outside any app's request.
export { openAddonUrl, sealAddonUrl } from "./credentials.ts";
/** The servers add-ons are made on: admin URLs the operator registers (SKYPANEL_ADDON_*_URL). */
export { type LocalAddonServers, localAddonServers } from "./local-servers.ts";
export { pgDump, pgRestore } from "./pg-dump.ts";
export { createPostgresAddon, POSTGRES_PLANS, type PostgresPlan } from "./postgres.ts";

export interface AddonServers {
  postgresUrl?: string;
  redisUrl?: string;
  /** Gateway ports (in GATEWAY_PORTS) apps in containers reach each server at; defaults 15432 and 15479. */
  gatewayPorts?: { postgresql?: number; redis?: number };
}

/** Apps in containers reach add-on servers only through the gateway; in process mode directly. */
export function gatewayRoutes(servers: AddonServers): { type: AddonType; route: GatewayRoute }[] {
  const routes: { type: AddonType; route: GatewayRoute }[] = [];
  for (const [type, url, defaultPort] of [
    ["postgresql", servers.postgresUrl, 5432],
    ["redis", servers.redisUrl, 6379],
  ] as const) {
    if (!url) continue;
    const u = new URL(url);
    const port = checkGatewayPort(servers.gatewayPorts?.[type] ?? DEFAULT_GATEWAY_PORTS[type]);
    routes.push({ type, route: { port, target: { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || defaultPort) } } });
  }
  return routes;
}

export const ADDON_TYPES = {
  postgresql: { setting: "SKYPANEL_ADDON_POSTGRES_URL", defaultAs: "DATABASE_URL", plans: POSTGRES_PLANS },
  redis: { setting: "SKYPANEL_ADDON_REDIS_URL", defaultAs: "REDIS_URL", plans: REDIS_PLANS },
} as const;
export type AddonType = keyof typeof ADDON_TYPES;

/** What the row keeps besides type and plan; never a password (that is in the sealed credentials). */
export interface AddonDetails {
  /** Database, role or ACL user name on the server. */
  resource: string;
  /** host:port of the server. */
  server: string;
  connectionLimit?: number;
  /** PostgreSQL: the hour (UTC) of the daily backup; null turns scheduled backups off. */
  backupHour?: number | null;
}

export interface AttachmentView {
  id: string;
  appId: string;
  app: string;
  as: string;
}

export interface AddonView {
  id: string;
  name: string;
  type: string;
  plan: string;
  status: string;
  /** The app that owns the add-on (its backups, restores and destroy go through it). */
  owner: { id: string; name: string };
  /** The config var the add-on is set as on the app asked about; null when not attached there. */
  attachedAs: string | null;
  /** Every attachment (the owner's view) or only this app's (another app's view). */
  attachments: AttachmentView[];
  resource: string;
  server: string;
  connectionLimit: number | null;
  backupHour: number | null;
  /** PostgreSQL on the managed server: point-in-time recovery on or off, and its window; null where it cannot be had. */
  pitr: PitrWindow | null;
  /** This add-on was made by a point-in-time restore: from which add-on, to when, how it went. */
  restoredToTime: PointInTimeRestore | null;
  /** What the periodic health check last saw of its server; null until the first check. */
  health: { state: "healthy" | "degraded"; reason: string | null; checkedAt: Date; changedAt: Date } | null;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Daily backups of a new PostgreSQL add-on run at this hour (UTC) unless changed. */
export const DEFAULT_BACKUP_HOUR = 2;

export function createAddons(
  deps: EngineDeps,
  apps: Apps,
  config: ConfigVars,
  servers: AddonServers = {},
  backupOptions: BackupOptions = { home: "" },
  bus?: EventBus,
  /** Apps run in containers: the gateway's port per type, which their URLs name (gateway.ts) instead of the server. */
  gatewayPorts: ReadonlyMap<AddonType, number> | null = null,
) {
  /** The URL an app gets: the server's, or the gateway's for apps in containers. */
  const appUrl = (row: Addon) => {
    const url = openAddonUrl(keyring, row);
    const port = gatewayPorts?.get(row.type as AddonType);
    return port ? throughGateway(url, port) : url;
  };
  const { db, keyring } = deps;

  /** Tells the dashboards of every app that has the add-on (owner and attachments) to read it again. */
  async function announce(addonId: string, alsoApps: string[] = []) {
    if (!bus) return;
    const row = await findAddon(db, addonId);
    const appIds = new Set(alsoApps);
    if (row) {
      appIds.add(row.appId);
      for (const a of await listAttachmentsOfAddon(db, addonId)) appIds.add(a.appId);
    }
    for (const appId of appIds) bus.publish({ type: "addon.updated", appId, addonId });
  }

  function serverFor(type: AddonType) {
    const url = type === "postgresql" ? servers.postgresUrl : servers.redisUrl;
    if (!url) throw new AddonServerMissingError(type === "postgresql" ? "PostgreSQL" : "Redis", ADDON_TYPES[type].setting);
    return url;
  }

  async function ownerOf(row: Addon) {
    const owner = await findAppById(db, row.appId);
    if (!owner) throw new AddonNotFoundError(row.id);
    return owner;
  }

  async function view(row: Addon, app: NamedApp): Promise<AddonView> {
    const d = row.details as AddonDetails;
    const all = await listAttachmentsOfAddon(db, row.id);
    const owner = row.appId === app.id ? app : await ownerOf(row);
    const shown = row.appId === app.id ? all : all.filter((a) => a.appId === app.id);
    const health = (await findAddonHealth(db, [row.id])).get(row.id);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      plan: row.plan,
      status: row.status,
      owner: { id: owner.id, name: owner.name },
      attachedAs: all.find((a) => a.appId === app.id)?.name ?? null,
      attachments: shown.map((a) => ({ id: a.id, appId: a.appId, app: a.appName, as: a.name })),
      resource: d.resource,
      server: d.server,
      connectionLimit: d.connectionLimit ?? null,
      backupHour: row.type === "postgresql" ? (d.backupHour ?? null) : null,
      pitr: pitr.window(row),
      restoredToTime: (d as { restoredToTime?: PointInTimeRestore }).restoredToTime ?? null,
      health: health ? { state: health.state, reason: health.reason, checkedAt: health.checkedAt, changedAt: health.changedAt } : null,
      createdAt: row.createdAt,
    };
  }

  /** The add-on, seen from `idOrName`: owned by it or attached to it (`owned` demands the first). */
  async function find(actor: Actor, idOrName: string, addonId: string, permission: "read" | "write", what: string, owned = false) {
    const { app } = await apps.resolve(actor, idOrName, permission, what);
    let row = UUID.test(addonId) ? await findAddon(db, addonId) : null;
    if (row && row.appId !== app.id) {
      const attachedHere = (await listAttachmentsOfApp(db, app.id)).some((a) => a.addon.id === row?.id);
      if (!attachedHere) row = null;
      else if (owned) {
        const owner = await ownerOf(row);
        throw new EngineError("FORBIDDEN", `${row.name} belongs to ${owner.name}: ${what} goes through that app.`);
      }
    }
    if (!row) throw new AddonNotFoundError(addonId);
    return { app, row };
  }

  const provision = (type: AddonType, url: string, resource: string, plan: string) =>
    type === "postgresql" ? createPostgresAddon(url, resource, plan as keyof typeof POSTGRES_PLANS) : createRedisAddon(url, resource);
  const deprovision = (type: AddonType, url: string, resource: string) =>
    type === "postgresql" ? dropPostgresAddon(url, resource) : dropRedisAddon(url, resource);

  /** Sets the add-on's URL on the app as `as` (a config release) with its attachment row, or changes nothing. */
  async function attachTo(actor: Actor, row: Addon, appId: string, as: string) {
    const url = appUrl(row);
    await config.set(
      actor,
      appId,
      { [as]: url },
      { secret: true, onlyNew: true, also: async (tx) => void (await insertAttachment(tx, { addonId: row.id, appId, name: as })) },
    );
  }

  /** Unsets the attachment's var (a config release on that app) and drops the row with it. */
  async function detachOne(actor: Actor, attachment: { id: string; appId: string; name: string }) {
    await config.unset(actor, attachment.appId, [attachment.name], { also: (tx) => deleteAttachment(tx, attachment.id) });
  }

  /**
   * Makes a new add-on owned by `app` on the registered server and attaches it as `as`. Shared by
   * create and "restore into a new add-on". On any failure the server objects are dropped again.
   */
  async function provisionFor(actor: Actor, app: NamedApp, type: AddonType, plan: string, as: string): Promise<Addon> {
    const serverUrl = serverFor(type);
    const id = randomUUID();
    const resource = `addon_${id.replaceAll("-", "")}`;
    const details: AddonDetails = {
      resource,
      server: new URL(serverUrl).host,
      ...(type === "postgresql"
        ? { connectionLimit: POSTGRES_PLANS[plan as keyof typeof POSTGRES_PLANS].connectionLimit, backupHour: DEFAULT_BACKUP_HOUR }
        : {}),
    };
    const row = await withActor(db, actor, (tx) =>
      insertAddon(tx, { id, appId: app.id, name: `${type}-${id.slice(0, 8)}`, type, plan, details: { ...details } }),
    );
    try {
      const url = await provision(type, serverUrl, resource, plan);
      await withActor(db, actor, (tx) => sealAddonCredentials(tx, row.id, sealAddonUrl(keyring, row.id, url)));
      const sealed = await findAddon(db, row.id);
      if (!sealed) throw new Error(`add-on ${row.id} vanished while it was made`);
      await attachTo(actor, sealed, app.id, as);
      return await withActor(db, actor, (tx) => updateAddon(tx, row.id, { status: "available" }));
    } catch (err) {
      await deprovision(type, serverUrl, resource).catch((e) => console.error(`[addons] could not drop ${resource}:`, e));
      await withActor(db, actor, (tx) => deleteAddon(tx, row.id));
      throw err;
    }
  }

  function checkPlan(typeName: string, planName: string | undefined): { type: AddonType; plan: string } {
    if (!Object.hasOwn(ADDON_TYPES, typeName))
      throw new ValidationError(`Add-on type must be one of ${Object.keys(ADDON_TYPES).join(", ")}.`);
    const type = typeName as AddonType;
    const plan = planName ?? "hobby";
    if (!Object.hasOwn(ADDON_TYPES[type].plans, plan))
      throw new ValidationError(`A ${type} add-on's plan is one of ${Object.keys(ADDON_TYPES[type].plans).join(", ")}.`);
    return { type, plan };
  }

  /** `goingApp`: an app being deleted, whose own vars go with it (no config release for it). */
  async function destroyRow(actor: Actor, row: Addon, goingApp?: string) {
    const type = row.type as AddonType;
    const serverUrl = serverFor(type);
    await backups.waitFor(row.id);
    for (const attachment of await listAttachmentsOfAddon(db, row.id)) {
      if (attachment.appId !== goingApp) await detachOne(actor, attachment);
    }
    await deprovision(type, serverUrl, (row.details as AddonDetails).resource);
    const remoteKeys = await backups.remoteKeys(row.id);
    await withActor(db, actor, (tx) => deleteAddon(tx, row.id));
    await backups.removeFiles(row.id, remoteKeys);
  }

  // Deleting an app destroys the add-ons it owns (as Heroku does), on their servers too.
  apps.beforeDelete(async (actor, app) => {
    for (const row of await listAddons(db, app.id)) {
      await destroyRow(actor, row, app.id).catch((err: Error) => {
        throw new EngineError("CONFLICT", `Could not destroy ${app.name}'s add-on ${row.name} (${err.message}); the app was not deleted.`);
      });
    }
  });

  const access = {
    find,
    announce: (addonId: string) => announce(addonId),
    openUrl: (row: Addon) => openAddonUrl(keyring, row),
    provisionFor: (actor: Actor, app: NamedApp, row: Addon, as: string) =>
      provisionFor(actor, app, "postgresql", row.plan, checkConfigKey(as)),
  };
  const pitr = createPitr(deps, backupOptions.pitr ?? null, servers.postgresUrl, access);
  const backups = createAddonBackups(deps, backupOptions, { ...access, alsoDue: (rows) => pitr.runDue(rows) });

  const health = createAddonHealth({
    db,
    openUrl: (row) => openAddonUrl(keyring, row),
    announce: (addonId) => announce(addonId),
    now: deps.now,
  });

  return {
    async list(actor: Actor, idOrName: string): Promise<AddonView[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing add-ons");
      const owned = await listAddons(db, app.id);
      const attached = (await listAttachmentsOfApp(db, app.id)).map((a) => a.addon).filter((a) => a.appId !== app.id);
      const unique = [...owned, ...attached.filter((a, i) => attached.findIndex((b) => b.id === a.id) === i)];
      return Promise.all(unique.map((row) => view(row, app)));
    },

    async get(actor: Actor, idOrName: string, addonId: string): Promise<AddonView> {
      const { app, row } = await find(actor, idOrName, addonId, "read", "viewing add-ons");
      return view(row, app);
    },

    /** Makes the add-on and attaches it to the app as a secret config var (a config release); a name already set is a conflict. */
    async create(actor: Actor, idOrName: string, input: { type: string; plan?: string; as?: string }): Promise<AddonView> {
      const { type, plan } = checkPlan(input.type, input.plan);
      const as = checkConfigKey(input.as ?? ADDON_TYPES[type].defaultAs);
      const { app } = await apps.resolve(actor, idOrName, "write", "creating add-ons");
      serverFor(type);
      // Checked again when the var is set (in its transaction); this spares making a database for nothing.
      if ((await listEnvVars(db, app.id)).some((v) => v.key === as)) throw new ConfigVarTakenError(as, app.name);
      const row = await provisionFor(actor, app, type, plan, as);
      await announce(row.id);
      return view(row, app);
    },

    /**
     * Attaches the add-on (owned by `idOrName`) to `input.app`, which may be the owner again after
     * a detach, as `input.as` (default DATABASE_URL / REDIS_URL). Needs write access to both apps;
     * a name already set on the target is a conflict and changes nothing.
     */
    async attach(actor: Actor, idOrName: string, addonId: string, input: { app?: string; as?: string }): Promise<AddonView> {
      const { app: owner, row } = await find(actor, idOrName, addonId, "write", "attaching add-ons", true);
      const type = row.type as AddonType;
      const as = checkConfigKey(input.as ?? ADDON_TYPES[type].defaultAs);
      const { app: target } = await apps.resolve(actor, input.app ?? owner.id, "write", "attaching add-ons");
      if ((await listAttachmentsOfAddon(db, row.id)).some((a) => a.appId === target.id && a.name === as)) {
        throw new EngineError("CONFLICT", `${row.name} is already attached to ${target.name} as ${as}.`, { key: as });
      }
      await attachTo(actor, row, target.id, as);
      await announce(row.id);
      return view(row, owner);
    },

    /**
     * Removes the add-on from the app in the path (a config release there); the data stays. On the
     * owner, `attachmentId` picks one attachment (any app's); without it, the owner's own ones go.
     */
    async detach(actor: Actor, idOrName: string, addonId: string, input: { attachmentId?: string } = {}): Promise<AddonView> {
      const { app, row } = await find(actor, idOrName, addonId, "write", "detaching add-ons");
      const all = await listAttachmentsOfAddon(db, row.id);
      const mine = app.id === row.appId ? all : all.filter((a) => a.appId === app.id);
      const chosen = input.attachmentId ? mine.filter((a) => a.id === input.attachmentId) : mine.filter((a) => a.appId === app.id);
      if (input.attachmentId && chosen.length === 0)
        throw new EngineError("NOT_FOUND", `${row.name} has no attachment ${input.attachmentId} here.`);
      for (const attachment of chosen) await detachOne(actor, attachment);
      await announce(
        row.id,
        chosen.map((a) => a.appId),
      );
      return view(row, app);
    },

    /** Detaches from every app, drops the database and role (or Redis user and keys) and the backups, and deletes the add-on. */
    async destroy(actor: Actor, idOrName: string, addonId: string, input: { confirm?: string }): Promise<{ id: string; name: string }> {
      const { app, row } = await find(actor, idOrName, addonId, "write", "destroying add-ons", true);
      if (input.confirm !== app.name) {
        throw new ValidationError(`Destroying an add-on deletes its data: confirm with the app's name, "${app.name}".`);
      }
      const had = (await listAttachmentsOfAddon(db, row.id)).map((a) => a.appId);
      await destroyRow(actor, row);
      await announce(row.id, [row.appId, ...had]);
      return { id: row.id, name: row.name };
    },

    /**
     * Makes a PostgreSQL add-on's data what a pg_dump file (custom format) holds, in one
     * transaction (pg_restore --no-owner --no-privileges): how an import brings a database over.
     */
    async loadDump(actor: Actor, idOrName: string, addonId: string, file: string): Promise<void> {
      const { row } = await find(actor, idOrName, addonId, "write", "loading data into add-ons", true);
      if (row.type !== "postgresql") throw new ValidationError(`${row.name} is a ${row.type} add-on; only PostgreSQL data can be loaded.`);
      await backups.waitFor(row.id);
      await withActor(db, actor, (tx) => updateAddon(tx, row.id, { status: "restoring" }));
      await announce(row.id);
      try {
        await pgRestore(openAddonUrl(keyring, row), file);
      } finally {
        await withActor(db, actor, (tx) => updateAddon(tx, row.id, { status: "available" }));
        await announce(row.id);
      }
    },

    /** Writes a PostgreSQL add-on's data to `file` (pg_dump custom format): how an export takes it. */
    async dumpTo(actor: Actor, idOrName: string, addonId: string, file: string): Promise<void> {
      const { row } = await find(actor, idOrName, addonId, "read", "exporting add-on data", true);
      if (row.type !== "postgresql") throw new ValidationError(`${row.name} is a ${row.type} add-on; only PostgreSQL data is exported.`);
      await pgDump(openAddonUrl(keyring, row), file);
    },

    backups,
    /** Point-in-time recovery: on or off per add-on, restoreToTime into a new add-on. */
    pitr,
    /** The periodic check of each add-on's server (healthy or degraded); the engine starts and stops it. */
    health,
  };
}

export type Addons = ReturnType<typeof createAddons>;
