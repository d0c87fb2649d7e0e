// Backups of PostgreSQL add-ons: pg_dump files in the artifact store
// ($SKYPANEL_HOME/artifacts/backups/<addon>/<backup>.dump), taken on demand or daily at the
// add-on's backup hour, and restored into the same add-on or a new one.
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Addon, AddonBackup } from "@skypanel/db";
import {
  deleteBackups,
  failInterruptedBackups,
  findBackup,
  insertBackup,
  listBackups,
  listScheduledBackupState,
  updateAddon,
  updateBackup,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import { pgDump, pgRestore } from "./pg-dump.ts";

export interface BackupOptions {
  /** $SKYPANEL_HOME: the artifact store is its `artifacts/` directory. */
  home: string;
  /** How often the scheduler looks for add-ons due a backup (default 5 minutes). */
  scheduleCheckMs?: number;
  /** Scheduled backups kept per add-on (default 7, a week of dailies); manual ones are kept until the add-on goes. */
  keepScheduled?: number;
}

export interface BackupView {
  id: string;
  addonId: string;
  trigger: "manual" | "schedule";
  status: AddonBackup["status"];
  sizeBytes: number | null;
  error: string | null;
  restoreStatus: AddonBackup["restoreStatus"];
  restoreError: string | null;
  restoredInto: string | null;
  restoredAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const view = (b: AddonBackup): BackupView => ({
  id: b.id,
  addonId: b.addonId,
  trigger: b.trigger,
  status: b.status,
  sizeBytes: b.sizeBytes,
  error: b.error,
  restoreStatus: b.restoreStatus,
  restoreError: b.restoreError,
  restoredInto: b.restoredInto,
  restoredAt: b.restoredAt,
  createdAt: b.createdAt,
  finishedAt: b.finishedAt,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTERRUPTED = "the control plane stopped while this ran";

/** The newest time at `hour`:00 UTC that is not after `now`. */
export function lastBackupSlot(now: Date, hour: number): Date {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  if (slot > now) slot.setUTCDate(slot.getUTCDate() - 1);
  return slot;
}

/** Due when the latest slot has passed since the add-on was made and no scheduled backup was taken in it. */
export function backupDue(addonCreatedAt: Date, hour: number | null | undefined, lastScheduled: Date | null, now: Date): boolean {
  if (hour === null || hour === undefined) return false;
  const slot = lastBackupSlot(now, hour);
  return addonCreatedAt < slot && (lastScheduled === null || lastScheduled < slot);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** An app as the add-ons see it. */
export interface NamedApp {
  id: string;
  name: string;
}

interface AddonAccess {
  find(
    actor: Actor,
    idOrName: string,
    addonId: string,
    permission: "read" | "write",
    what: string,
    owned?: boolean,
  ): Promise<{ app: NamedApp; row: Addon }>;
  openUrl(row: Addon): string;
  /** Tells the add-on's apps it changed (a backup or restore started or ended). */
  announce(addonId: string): Promise<void>;
  /** A new PostgreSQL add-on like `row` for `app`, attached as `as`. */
  provisionFor(actor: Actor, app: NamedApp, row: Addon, as: string): Promise<Addon>;
}

export function createAddonBackups(deps: EngineDeps, options: BackupOptions, access: AddonAccess) {
  const { db } = deps;
  const root = join(options.home, "artifacts", "backups");
  const fileOf = (addonId: string, backupId: string) => join(root, addonId, `${backupId}.dump`);
  // One backup or restore per add-on at a time; destroy and stop wait for them.
  const busy = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | null = null;

  function refuseWhileBusy(addonIds: string[], name: string) {
    for (const id of addonIds) {
      if (busy.has(id)) throw new EngineError("CONFLICT", `A backup or restore of ${name} is already running; wait for it to finish.`);
    }
  }

  function exclusive(addonIds: string[], name: string, work: () => Promise<unknown>) {
    refuseWhileBusy(addonIds, name);
    const running = work()
      .catch((err) => console.error(`[addons] ${name}:`, (err as Error).message))
      .finally(() => {
        for (const id of addonIds) busy.delete(id);
      });
    for (const id of addonIds) busy.set(id, running);
  }

  function checkPostgres(row: Addon, what: string) {
    if (row.type !== "postgresql") throw new ValidationError(`Only PostgreSQL add-ons have ${what}; ${row.name} is ${row.type}.`);
    if (row.status !== "available") throw new EngineError("CONFLICT", `${row.name} is ${row.status}, not available.`);
  }

  /** Takes the dump in the background; the row says how it went. */
  async function start(row: Addon, trigger: "manual" | "schedule"): Promise<AddonBackup> {
    refuseWhileBusy([row.id], row.name);
    const backup = await insertBackup(db, { addonId: row.id, trigger });
    exclusive([row.id], row.name, async () => {
      const file = fileOf(row.id, backup.id);
      const partial = `${file}.partial`;
      try {
        mkdirSync(join(root, row.id), { recursive: true, mode: 0o700 });
        await pgDump(access.openUrl(row), partial);
        renameSync(partial, file);
        await updateBackup(db, backup.id, {
          status: "succeeded",
          sizeBytes: statSync(file).size,
          sha256: await sha256Of(file),
          finishedAt: deps.now(),
        });
      } catch (err) {
        rmSync(partial, { force: true });
        await updateBackup(db, backup.id, { status: "failed", error: (err as Error).message, finishedAt: deps.now() });
      }
      await access.announce(row.id);
    });
    await access.announce(row.id);
    return backup;
  }

  async function findOne(actor: Actor, idOrName: string, addonId: string, backupId: string, permission: "read" | "write", what: string) {
    const found = await access.find(actor, idOrName, addonId, permission, what, true);
    const backup = UUID.test(backupId) ? await findBackup(db, found.row.id, backupId) : null;
    if (!backup) throw new EngineError("NOT_FOUND", `${found.row.name} has no backup "${backupId}".`);
    return { ...found, backup };
  }

  /** Drops scheduled backups beyond the newest `keepScheduled`, rows and files. */
  async function prune(addonId: string) {
    const scheduled = (await listBackups(db, addonId)).filter((b) => b.trigger === "schedule" && b.status !== "running");
    const old = scheduled.slice(options.keepScheduled ?? 7);
    await deleteBackups(
      db,
      old.map((b) => b.id),
    );
    for (const b of old) rmSync(fileOf(addonId, b.id), { force: true });
  }

  async function runDue() {
    const now = deps.now();
    for (const { addon, lastScheduled } of await listScheduledBackupState(db)) {
      const hour = (addon.details as { backupHour?: number | null }).backupHour;
      if (!backupDue(addon.createdAt, hour, lastScheduled, now) || busy.has(addon.id)) continue;
      await start(addon, "schedule");
      await busy.get(addon.id);
      await prune(addon.id);
    }
  }

  return {
    async list(actor: Actor, idOrName: string, addonId: string): Promise<BackupView[]> {
      const { row } = await access.find(actor, idOrName, addonId, "read", "viewing backups", true);
      return (await listBackups(db, row.id)).map(view);
    },

    async get(actor: Actor, idOrName: string, addonId: string, backupId: string): Promise<BackupView> {
      return view((await findOne(actor, idOrName, addonId, backupId, "read", "viewing backups")).backup);
    },

    /** Starts a pg_dump now; answers at once with the running backup (poll it, or the list). */
    async create(actor: Actor, idOrName: string, addonId: string): Promise<BackupView> {
      const { row } = await access.find(actor, idOrName, addonId, "write", "backing up add-ons", true);
      checkPostgres(row, "backups");
      return view(await start(row, "manual"));
    },

    /**
     * Restores a succeeded backup in the background: into the same add-on (its data is replaced,
     * so `confirm` must be the app's name), into another PostgreSQL add-on of the app (by id, same
     * confirmation), or into a new one (`into: "new"`, attached as `as`, default DATABASE_RESTORED_URL).
     */
    async restore(
      actor: Actor,
      idOrName: string,
      addonId: string,
      backupId: string,
      input: { into?: string; as?: string; confirm?: string },
    ): Promise<BackupView> {
      const { app, row, backup } = await findOne(actor, idOrName, addonId, backupId, "write", "restoring backups");
      if (backup.status !== "succeeded")
        throw new EngineError(
          "CONFLICT",
          `Backup ${backup.id} ${backup.status === "running" ? "is still running" : "failed"}; restore a succeeded one.`,
        );
      const file = fileOf(row.id, backup.id);
      if ((await sha256Of(file).catch(() => null)) !== backup.sha256) {
        throw new EngineError("CONFLICT", `Backup ${backup.id}'s file is missing or damaged in the artifact store; nothing was restored.`);
      }
      const into = input.into ?? row.id;
      let target: Addon;
      if (into === "new") {
        checkPostgres(row, "restores");
        refuseWhileBusy([row.id], row.name);
        target = await access.provisionFor(actor, app, row, input.as ?? "DATABASE_RESTORED_URL");
      } else {
        if (input.confirm !== app.name) {
          throw new ValidationError(`Restoring replaces the add-on's data with the backup's: confirm with the app's name, "${app.name}".`);
        }
        target = into === row.id ? row : (await access.find(actor, idOrName, into, "write", "restoring backups", true)).row;
        checkPostgres(target, "restores");
      }
      // Refused before the backup row says "running", so a refusal leaves no stale state behind.
      refuseWhileBusy([row.id, target.id], row.name);
      const started = await updateBackup(db, backup.id, {
        restoreStatus: "running",
        restoreError: null,
        restoredInto: target.id,
        restoredAt: null,
      });
      exclusive([...new Set([row.id, target.id])], target.name, async () => {
        try {
          await withActor(db, actor, (tx) => updateAddon(tx, target.id, { status: "restoring" }));
          await pgRestore(access.openUrl(target), file);
          await updateBackup(db, backup.id, { restoreStatus: "succeeded", restoredAt: deps.now() });
        } catch (err) {
          await updateBackup(db, backup.id, { restoreStatus: "failed", restoreError: (err as Error).message, restoredAt: deps.now() });
        } finally {
          await withActor(db, actor, (tx) => updateAddon(tx, target.id, { status: "available" }));
          await access.announce(row.id);
          if (target.id !== row.id) await access.announce(target.id);
        }
      });
      await access.announce(row.id);
      return view(started);
    },

    /** The daily backup's hour (UTC, 0–23), or null for none. */
    async setSchedule(
      actor: Actor,
      idOrName: string,
      addonId: string,
      input: { hour: number | null },
    ): Promise<{ backupHour: number | null }> {
      if (input.hour !== null && !(Number.isInteger(input.hour) && input.hour >= 0 && input.hour <= 23)) {
        throw new ValidationError("The backup hour is a whole number from 0 to 23 (UTC), or null to turn scheduled backups off.");
      }
      const { row } = await access.find(actor, idOrName, addonId, "write", "scheduling backups", true);
      checkPostgres(row, "backups");
      await withActor(db, actor, (tx) => updateAddon(tx, row.id, { details: { ...(row.details as object), backupHour: input.hour } }));
      return { backupHour: input.hour };
    },

    /** Takes the backups that are due now; the scheduler calls it, tests call it with a moved clock. */
    runDue,

    /** Marks work a stopped control plane left running as failed, then checks for due backups every few minutes. */
    async startSchedule() {
      await failInterruptedBackups(db, INTERRUPTED);
      if (timer) return;
      const tick = () => void runDue().catch((err) => console.error("[addons] scheduled backups failed:", (err as Error).message));
      timer = setInterval(tick, options.scheduleCheckMs ?? 5 * 60_000);
      timer.unref();
      tick();
    },

    async stopSchedule() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...busy.values()]);
    },

    /** Resolves when the add-on's running backup or restore (if any) has finished. */
    async waitFor(addonId: string) {
      await busy.get(addonId);
    },

    removeFiles(addonId: string) {
      rmSync(join(root, addonId), { recursive: true, force: true });
    },
  };
}

export type AddonBackups = ReturnType<typeof createAddonBackups>;
