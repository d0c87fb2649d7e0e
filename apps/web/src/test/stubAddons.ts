// Add-ons and their backups in the stub tRPC server, typed by the BFF's outputs and answering
// with the engine's rules and messages (packages/engine/src/addons: index.ts, backups.ts). An
// add-on's URL is a secret config var on each app it is attached to. Tests finish a running
// backup or restore with the backend's finishBackup / finishRestore, as pg_dump would.
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type AddonView = RouterOutputs["addons"]["list"][number];
export type StubBackup = RouterOutputs["addons"]["backups"][number];
type AddonType = "postgresql" | "redis";

export interface StubAddon {
  id: string;
  name: string;
  type: AddonType;
  plan: string;
  status: "provisioning" | "available" | "restoring";
  /** The owning app's id. */
  appId: string;
  attachments: { id: string; appId: string; as: string }[];
  url: string;
  backupHour: number | null;
  health: AddonView["health"];
  /** Point-in-time recovery's window; unset: not on a server the platform archives. */
  pitr?: AddonView["pitr"];
  createdAt: Date;
}

export interface StubAddons {
  addons: StubAddon[];
  backups: StubBackup[];
  /** The servers the operator registered (SKYPANEL_ADDON_*_URL); a type without one cannot be made. */
  servers: Record<AddonType, boolean>;
  /** While set, create waits for it before answering, as a server making a database takes a while. */
  creating?: Promise<void>;
}

const TYPES = {
  postgresql: { label: "PostgreSQL", setting: "SKYPANEL_ADDON_POSTGRES_URL", defaultAs: "DATABASE_URL", plans: { hobby: 5, standard: 20 } },
  redis: { label: "Redis", setting: "SKYPANEL_ADDON_REDIS_URL", defaultAs: "REDIS_URL", plans: { hobby: null, standard: null } },
} as const;
const AT = new Date("2025-01-02T03:04:05Z");
const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_KEY_RULE = "A config var name is 1 to 255 characters: letters, digits and underscores, not starting with a digit (POSIX).";
const uuid = (n: number) => `a0000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const urlOf = (type: AddonType, id: string) =>
  type === "postgresql"
    ? `postgres://addon_${id.slice(-4)}:s3cret-${id.slice(-4)}@db.internal:5432/addon_${id.slice(-4)}`
    : `redis://addon_${id.slice(-4)}:s3cret@cache.internal:6379`;

/** Add-on `n` owned by `appName`, attached to it under the type's usual var name unless `extra` says otherwise. */
export function stubAddon(appName: string, type: AddonType, n = 1, extra: Partial<StubAddon> = {}): StubAddon {
  const id = uuid(n);
  return {
    id,
    name: `${type}-${id.slice(-8)}`,
    type,
    plan: "hobby",
    status: "available",
    appId: `id-${appName}`,
    attachments: [{ id: `att-${n}`, appId: `id-${appName}`, as: TYPES[type].defaultAs }],
    url: urlOf(type, id),
    backupHour: type === "postgresql" ? 2 : null,
    health: { state: "healthy", reason: null, checkedAt: AT, changedAt: AT },
    createdAt: AT,
    ...extra,
  };
}

export function stubBackup(addonId: string, n: number, extra: Partial<StubBackup> = {}): StubBackup {
  return {
    id: `b0000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    addonId,
    trigger: "schedule",
    status: "succeeded",
    sizeBytes: 7 * 1024,
    error: null,
    restoreStatus: null,
    restoreError: null,
    restoredInto: null,
    restoredAt: null,
    createdAt: new Date(AT.getTime() + n * 86_400_000),
    finishedAt: new Date(AT.getTime() + n * 86_400_000 + 3100),
    encrypted: true,
    keyId: "k20250101-abcd1234",
    remote: null,
    remoteError: null,
    ...extra,
  };
}

interface AppAccess {
  find: (idOrName: string) => { id: string; name: string };
  writable: (what: string) => void;
  vars: {
    has: (appId: string, key: string) => boolean;
    setSecret: (appId: string, key: string, value: string) => void;
    unset: (appId: string, key: string) => void;
  };
}

const fail = (code: "BAD_REQUEST" | "CONFLICT" | "FORBIDDEN" | "NOT_FOUND" | "PRECONDITION_FAILED", message: string) =>
  new TRPCError({ code, message });

export function addonsRouters(proc: StubProcedure, s: StubAddons, apps: AppAccess) {
  let made = s.addons.length + 100;
  for (const addon of s.addons) for (const a of addon.attachments) apps.vars.setSecret(a.appId, a.as, addon.url);

  function view(row: StubAddon, app: { id: string; name: string }): AddonView {
    const shown = row.appId === app.id ? row.attachments : row.attachments.filter((a) => a.appId === app.id);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      plan: row.plan,
      status: row.status,
      owner: { id: row.appId, name: apps.find(row.appId).name },
      attachedAs: row.attachments.find((a) => a.appId === app.id)?.as ?? null,
      attachments: shown.map((a) => ({ id: a.id, appId: a.appId, app: apps.find(a.appId).name, as: a.as })),
      resource: `addon_${row.id.slice(-4)}`,
      server: row.type === "postgresql" ? "db.internal:5432" : "cache.internal:6379",
      connectionLimit: row.type === "postgresql" ? TYPES.postgresql.plans[row.plan as "hobby"] : null,
      backupHour: row.backupHour,
      health: row.health,
      pitr: row.pitr ?? null,
      restoredToTime: null,
      createdAt: row.createdAt,
    };
  }

  /** The add-on seen from `appRef`: owned by it or attached to it; `owned` demands the first. */
  function find(appRef: string, addonId: string, what: string, owned = false) {
    const app = apps.find(appRef);
    const row = s.addons.find((a) => a.id === addonId && (a.appId === app.id || a.attachments.some((x) => x.appId === app.id)));
    if (!row) throw fail("NOT_FOUND", `This app has no add-on "${addonId}".`);
    if (owned && row.appId !== app.id) {
      throw fail("FORBIDDEN", `${row.name} belongs to ${apps.find(row.appId).name}: ${what} goes through that app.`);
    }
    return { app, row };
  }

  function checkKey(key: string) {
    if (key.length > 255 || !CONFIG_KEY.test(key)) throw fail("BAD_REQUEST", `"${key}" is not a valid config var name. ${CONFIG_KEY_RULE}`);
    return key;
  }

  function attachTo(row: StubAddon, app: { id: string; name: string }, as: string) {
    if (apps.vars.has(app.id, as)) {
      throw fail("CONFLICT", `${app.name} already has a config var ${as}; attach the add-on under another name with "as".`);
    }
    apps.vars.setSecret(app.id, as, row.url);
    row.attachments.push({ id: `att-${++made}`, appId: app.id, as });
  }

  function provision(app: { id: string; name: string }, type: AddonType, plan: string, as: string) {
    if (!s.servers[type]) {
      throw fail(
        "PRECONDITION_FAILED",
        `No ${TYPES[type].label} server is registered for add-ons: the operator sets ${TYPES[type].setting} first.`,
      );
    }
    const row = stubAddon(app.name, type, ++made, { plan, attachments: [], createdAt: new Date() });
    attachTo(row, app, as);
    s.addons.push(row);
    return row;
  }

  const busy = (addonId: string) =>
    s.backups.some(
      (b) => (b.addonId === addonId && b.status === "running") || (b.restoreStatus === "running" && b.restoredInto === addonId),
    );

  function checkPostgres(row: StubAddon, what: string) {
    if (row.type !== "postgresql") throw fail("BAD_REQUEST", `Only PostgreSQL add-ons have ${what}; ${row.name} is ${row.type}.`);
    if (row.status !== "available") throw fail("CONFLICT", `${row.name} is ${row.status}, not available.`);
    if (busy(row.id)) throw fail("CONFLICT", `A backup or restore of ${row.name} is already running; wait for it to finish.`);
  }

  function findBackup(appRef: string, addonId: string, backupId: string, what: string) {
    const found = find(appRef, addonId, what, true);
    const backup = s.backups.find((b) => b.addonId === found.row.id && b.id === backupId);
    if (!backup) throw fail("NOT_FOUND", `${found.row.name} has no backup "${backupId}".`);
    return { ...found, backup };
  }

  const router = t.router({
    list: proc("addons.list").query(({ input }) => {
      const app = apps.find(input.app);
      const seen = s.addons.filter((a) => a.appId === app.id || a.attachments.some((x) => x.appId === app.id));
      return seen.map((row) => view(row, app));
    }),
    create: proc("addons.create").mutation(async ({ input }) => {
      await s.creating;
      if (!Object.hasOwn(TYPES, input.type)) throw fail("BAD_REQUEST", "Add-on type must be one of postgresql, redis.");
      const type = input.type as AddonType;
      const plan = input.plan ?? "hobby";
      if (!Object.hasOwn(TYPES[type].plans, plan)) throw fail("BAD_REQUEST", `A ${type} add-on's plan is one of hobby, standard.`);
      const as = checkKey(input.as ?? TYPES[type].defaultAs);
      apps.writable("creating add-ons");
      const app = apps.find(input.app);
      return view(provision(app, type, plan, as), app);
    }),
    attach: proc("addons.attach").mutation(({ input }) => {
      apps.writable("attaching add-ons");
      const { app: owner, row } = find(input.app, input.addonId, "attaching add-ons", true);
      const as = checkKey(input.as ?? TYPES[row.type].defaultAs);
      const target = apps.find(input.target ?? owner.id);
      if (row.attachments.some((a) => a.appId === target.id && a.as === as)) {
        throw fail("CONFLICT", `${row.name} is already attached to ${target.name} as ${as}.`);
      }
      attachTo(row, target, as);
      return view(row, owner);
    }),
    detach: proc("addons.detach").mutation(({ input }) => {
      apps.writable("detaching add-ons");
      const { app, row } = find(input.app, input.addonId, "detaching add-ons");
      const mine = row.appId === app.id ? row.attachments : row.attachments.filter((a) => a.appId === app.id);
      const chosen = input.attachmentId ? mine.filter((a) => a.id === input.attachmentId) : mine.filter((a) => a.appId === app.id);
      if (input.attachmentId && chosen.length === 0) throw fail("NOT_FOUND", `${row.name} has no attachment ${input.attachmentId} here.`);
      for (const a of chosen) apps.vars.unset(a.appId, a.as);
      row.attachments = row.attachments.filter((a) => !chosen.includes(a));
      return view(row, app);
    }),
    destroy: proc("addons.destroy").mutation(({ input }) => {
      apps.writable("destroying add-ons");
      const { app, row } = find(input.app, input.addonId, "destroying add-ons", true);
      if (input.confirm !== app.name) {
        throw fail("BAD_REQUEST", `Destroying an add-on deletes its data: confirm with the app's name, "${app.name}".`);
      }
      for (const a of row.attachments) apps.vars.unset(a.appId, a.as);
      s.addons = s.addons.filter((a) => a !== row);
      s.backups = s.backups.filter((b) => b.addonId !== row.id);
      return { id: row.id, name: row.name };
    }),

    backups: proc("addons.backups").query(({ input }) => {
      const { row } = find(input.app, input.addonId, "viewing backups", true);
      return s.backups.filter((b) => b.addonId === row.id).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    }),
    createBackup: proc("addons.createBackup").mutation(({ input }) => {
      apps.writable("backing up add-ons");
      const { row } = find(input.app, input.addonId, "backing up add-ons", true);
      checkPostgres(row, "backups");
      const backup = stubBackup(row.id, ++made, {
        trigger: "manual",
        status: "running",
        sizeBytes: null,
        createdAt: new Date(),
        finishedAt: null,
      });
      s.backups.push(backup);
      return backup;
    }),
    restore: proc("addons.restore").mutation(({ input }) => {
      apps.writable("restoring backups");
      const { app, row, backup } = findBackup(input.app, input.addonId, input.backupId, "restoring backups");
      if (backup.status !== "succeeded") {
        throw fail(
          "CONFLICT",
          `Backup ${backup.id} ${backup.status === "running" ? "is still running" : "failed"}; restore a succeeded one.`,
        );
      }
      let target: StubAddon;
      if (input.into === "new") {
        checkPostgres(row, "restores");
        target = provision(app, "postgresql", row.plan, checkKey(input.as ?? "DATABASE_RESTORED_URL"));
      } else {
        if (input.confirm !== app.name) {
          throw fail("BAD_REQUEST", `Restoring replaces the add-on's data with the backup's: confirm with the app's name, "${app.name}".`);
        }
        target = input.into ? find(input.app, input.into, "restoring backups", true).row : row;
        checkPostgres(target, "restores");
      }
      Object.assign(backup, { restoreStatus: "running", restoreError: null, restoredInto: target.id, restoredAt: null });
      target.status = "restoring";
      return backup;
    }),
    setBackupSchedule: proc("addons.setBackupSchedule").mutation(({ input }) => {
      apps.writable("scheduling backups");
      const { row } = find(input.app, input.addonId, "scheduling backups", true);
      if (row.type !== "postgresql") throw fail("BAD_REQUEST", `Only PostgreSQL add-ons have backups; ${row.name} is ${row.type}.`);
      row.backupHour = input.hour;
      return { backupHour: input.hour };
    }),
  });

  const backupOf = (id: string) => {
    const backup = s.backups.find((b) => b.id === id);
    if (!backup) throw new Error(`stub: no backup ${id}`);
    return backup;
  };

  return {
    router,
    /** Ends a running backup as pg_dump would: with its size, or with its error. */
    finishBackup(id: string, outcome: { sizeBytes: number } | { error: string }) {
      const backup = backupOf(id);
      const finishedAt = new Date(backup.createdAt.getTime() + 4200);
      Object.assign(
        backup,
        "error" in outcome ? { status: "failed", error: outcome.error, finishedAt } : { status: "succeeded", ...outcome, finishedAt },
      );
    },
    /** Ends a running restore; the add-on it went into is available again. */
    finishRestore(id: string, error?: string) {
      const backup = backupOf(id);
      Object.assign(backup, { restoreStatus: error ? "failed" : "succeeded", restoreError: error ?? null, restoredAt: new Date() });
      const target = s.addons.find((a) => a.id === backup.restoredInto);
      if (target) target.status = "available";
    },
  };
}
