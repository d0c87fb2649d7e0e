// Backups of PostgreSQL add-ons: pg_dump files, encrypted, in the artifact store
// ($SKYPANEL_HOME/artifacts/backups/<addon>/<backup>.dump.enc) and copied to the S3 bucket when
// one is configured, taken on demand or daily at the add-on's backup hour, and restored into the
// same add-on or a new one.
import { join } from "node:path";
import type { Addon, AddonBackup } from "@skypanel/db";
import {
  deleteBackups,
  failInterruptedBackups,
  findBackup,
  insertSealedBackup,
  listBackups,
  listScheduledBackupState,
  updateAddon,
  updateBackup,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import { newDataKey } from "./backup-crypto.ts";
import { createBackupFiles } from "./backup-files.ts";
import { type BackupBucketConfig, s3BackupBucket } from "./backup-remote.ts";
import { pgRestore } from "./pg-dump.ts";
import type { PitrSettings } from "./pitr/index.ts";

export interface BackupOptions {
  /** $SKYPANEL_HOME: the artifact store is its `artifacts/` directory. */
  home: string;
  /** How often the scheduler looks for add-ons due a backup (default 5 minutes). */
  scheduleCheckMs?: number;
  /** Scheduled backups kept per add-on (default 7, a week of dailies); manual ones are kept until the add-on goes. */
  keepScheduled?: number;
  /** An S3-compatible bucket every finished backup is copied to (SKYPANEL_BACKUP_S3_*); null or unset: this machine only. */
  bucket?: BackupBucketConfig | null;
  /** Point-in-time recovery on the managed add-on server (SKYPANEL_ADDON_PITR_*); null or unset: off. */
  pitr?: PitrSettings | null;
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
  /** Encrypted at rest (every backup taken since 0028); false for older plain dumps. */
  encrypted: boolean;
  /** The keyring key its data key is sealed with. */
  keyId: string | null;
  /** Where its copy in the bucket is (`s3://bucket/key`), or null. */
  remote: string | null;
  /** Why the copy to the bucket failed, if it did. */
  remoteError: string | null;
}

const view = (b: AddonBackup, describe: (key: string) => string): BackupView => ({
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
  encrypted: b.keyId !== null,
  keyId: b.keyId,
  remote: b.remoteKey ? describe(b.remoteKey) : null,
  remoteError: b.remoteError,
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

/** An app as the add-ons see it. */
export interface NamedApp {
  id: string;
  name: string;
}

/** What the add-on backups (and PITR) need of the add-ons area. */
export interface AddonAccess {
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
  /** More daily work on the PostgreSQL add-ons (PITR's base backups), run after the due backups. */
  alsoDue?(addons: Addon[]): Promise<void>;
}

export function createAddonBackups(deps: EngineDeps, options: BackupOptions, access: AddonAccess) {
  const { db, keyring } = deps;
  const bucket = options.bucket ? s3BackupBucket(options.bucket) : null;
  const files = createBackupFiles(join(options.home, "artifacts", "backups"), keyring, bucket);
  const show = (b: AddonBackup) => view(b, (key) => bucket?.describe(key) ?? key);
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
    let key: Buffer = Buffer.alloc(0);
    const backup = await insertSealedBackup(db, { addonId: row.id, trigger }, (id) => {
      const made = newDataKey(keyring, id);
      key = made.key;
      return made.sealed;
    });
    exclusive([row.id], row.name, async () => {
      let done: AddonBackup;
      try {
        const written = await files.write(access.openUrl(row), backup, key);
        done = await updateBackup(db, backup.id, { status: "succeeded", ...written, finishedAt: deps.now() });
      } catch (err) {
        await updateBackup(db, backup.id, { status: "failed", error: (err as Error).message, finishedAt: deps.now() });
        await access.announce(row.id);
        return;
      }
      await access.announce(row.id);
      // The copy to the bucket follows the local backup; a failed copy is recorded, the backup stands.
      try {
        const remoteKey = await files.upload(done);
        if (remoteKey) await updateBackup(db, backup.id, { remoteKey, remoteError: null });
      } catch (err) {
        await updateBackup(db, backup.id, { remoteError: (err as Error).message });
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
    await files.remove(old);
  }

  async function runDue() {
    const now = deps.now();
    const state = await listScheduledBackupState(db);
    for (const { addon, lastScheduled } of state) {
      const hour = (addon.details as { backupHour?: number | null }).backupHour;
      if (!backupDue(addon.createdAt, hour, lastScheduled, now) || busy.has(addon.id)) continue;
      await start(addon, "schedule");
      await busy.get(addon.id);
      await prune(addon.id);
    }
    await access.alsoDue?.(state.map((s) => s.addon));
  }

  return {
    async list(actor: Actor, idOrName: string, addonId: string): Promise<BackupView[]> {
      const { row } = await access.find(actor, idOrName, addonId, "read", "viewing backups", true);
      return (await listBackups(db, row.id)).map(show);
    },

    async get(actor: Actor, idOrName: string, addonId: string, backupId: string): Promise<BackupView> {
      return show((await findOne(actor, idOrName, addonId, backupId, "read", "viewing backups")).backup);
    },

    /** Starts a pg_dump now; answers at once with the running backup (poll it, or the list). */
    async create(actor: Actor, idOrName: string, addonId: string): Promise<BackupView> {
      const { row } = await access.find(actor, idOrName, addonId, "write", "backing up add-ons", true);
      checkPostgres(row, "backups");
      return show(await start(row, "manual"));
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
      // Fetched from the bucket if gone here, and checked whole (tampering refused) before anything changes.
      const source = await files.openForRestore(backup);
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
          await pgRestore(access.openUrl(target), source());
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
      return show(started);
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

    /** The add-on's copies in the bucket: read before the add-on (and its backup rows) go, for removeFiles. */
    async remoteKeys(addonId: string): Promise<string[]> {
      return (await listBackups(db, addonId)).flatMap((b) => (b.remoteKey ? [b.remoteKey] : []));
    },

    /** Drops the add-on's backup files, here and (`remoteKeys`) in the bucket. */
    async removeFiles(addonId: string, remoteKeys: string[] = []) {
      await files.removeAll(addonId, remoteKeys);
    },
  };
}

export type AddonBackups = ReturnType<typeof createAddonBackups>;
