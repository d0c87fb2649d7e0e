// The platform's backups as admins see them: "back up now", the list with each one's status,
// size and location, and the schedule (a cron expression, UTC) with its retention. One backup
// runs at a time; each is a row in platform_backups, its step kept there while it runs.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PlatformBackupDestination } from "@skypanel/db";
import {
  deletePlatformBackups,
  failInterruptedPlatformBackups,
  findPlatformBackup,
  insertPlatformBackup,
  listPlatformBackups,
  listSucceededPlatformBackups,
  updatePlatformBackup,
} from "@skypanel/db/queries";
import { Cron } from "croner";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ForbiddenError, ValidationError } from "../errors.ts";
import type { NixEnv } from "../nix/index.ts";
import type { ControlDbSource } from "./control-db.ts";
import { createPlatformBackup } from "./create.ts";
import { type BackupDestinations, removeArchive, storeArchive } from "./destinations.ts";
import { BackupNotConfiguredError } from "./errors.ts";

export interface PlatformBackupSettings {
  /** The control database to dump (ControlPlaneDb.source). */
  source: ControlDbSource;
  /** Wraps the key files; null only works when Vault wraps every key file. */
  passphrase: string | null;
  destinations: BackupDestinations;
  /** A 5-field cron expression (UTC) for scheduled backups; null: none. */
  schedule: string | null;
  /** Scheduled backups kept (older ones are deleted, archive and row). */
  keep: number;
  platformVersion: string;
}

function requireAdmin(actor: Actor) {
  if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can back up the platform and see its backups.");
}

/** Throws croner's message for a pattern it cannot read. */
export function checkBackupSchedule(cron: string): void {
  new Cron(cron, { mode: "5-part", timezone: "UTC", paused: true }).nextRun(new Date(0));
}

export function createPlatformBackups(
  deps: EngineDeps,
  parts: { home: string; nixEnv: () => Promise<NixEnv> },
  settings: PlatformBackupSettings | null,
) {
  const running = new Map<string, Promise<void>>();
  let cron: Cron | null = null;

  function defaultDestination(): PlatformBackupDestination {
    if (settings?.destinations.s3) return "s3";
    if (settings?.destinations.dir) return "dir";
    throw new BackupNotConfiguredError("No backup destination is set: SKYPANEL_BACKUP_DIR or SKYPANEL_BACKUP_S3_*.");
  }

  async function run(id: string, destination: PlatformBackupDestination, s: PlatformBackupSettings) {
    const workDir = join(parts.home, "platform-backups", id);
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const name = `skypanel-backup-${new Date().toISOString().replace(/[:.]/g, "-")}-${id.slice(0, 8)}.tar`;
    try {
      const made = await createPlatformBackup(
        {
          db: deps.db,
          source: s.source,
          home: parts.home,
          keyring: deps.keyring,
          nixEnv: parts.nixEnv,
          platformVersion: s.platformVersion,
        },
        {
          passphrase: s.passphrase,
          workDir,
          archiveFile: join(workDir, name),
          onProgress: (p) => void updatePlatformBackup(deps.db, id, { progress: p.detail }).catch(() => {}),
        },
      );
      await updatePlatformBackup(deps.db, id, {
        progress: destination === "s3" ? "uploading to the bucket" : "moving into the backup folder",
      });
      const location = await storeArchive(s.destinations, destination, join(workDir, name), name);
      await updatePlatformBackup(deps.db, id, {
        status: "succeeded",
        progress: null,
        location,
        sizeBytes: made.bytes,
        sha256: made.sha256,
        finishedAt: new Date(),
      });
    } catch (err) {
      await updatePlatformBackup(deps.db, id, { status: "failed", error: (err as Error).message.slice(0, 2000), finishedAt: new Date() });
      throw err;
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  async function start(trigger: "manual" | "schedule", to?: PlatformBackupDestination) {
    if (!settings) throw new BackupNotConfiguredError("Platform backups are not set up on this platform.");
    if (running.size > 0) throw new EngineError("CONFLICT", "A platform backup is running already; wait for it to finish.");
    const destination = to ?? defaultDestination();
    if (destination === "s3" && !settings.destinations.s3) throw new ValidationError("No backup bucket is set (SKYPANEL_BACKUP_S3_*).");
    if (destination === "dir" && !settings.destinations.dir) throw new ValidationError("No backup folder is set (SKYPANEL_BACKUP_DIR).");
    const row = await insertPlatformBackup(deps.db, { trigger, destination });
    const job = run(row.id, destination, settings)
      .then(() => (trigger === "schedule" ? prune(settings) : undefined))
      .catch((err) => console.error(`[platform-backup] ${row.id} failed:`, (err as Error).message))
      .finally(() => running.delete(row.id));
    running.set(row.id, job);
    return row;
  }

  /** Keeps the newest `keep` succeeded scheduled backups; deletes the older ones' archives and rows. */
  async function prune(s: PlatformBackupSettings) {
    const old = (await listSucceededPlatformBackups(deps.db)).filter((b) => b.trigger === "schedule").slice(s.keep);
    for (const b of old) if (b.location) await removeArchive(b.location, s.destinations.s3);
    await deletePlatformBackups(
      deps.db,
      old.map((b) => b.id),
    );
  }

  async function get(actor: Actor, id: string) {
    requireAdmin(actor);
    const row = /^[0-9a-f-]{36}$/.test(id) ? await findPlatformBackup(deps.db, id) : null;
    if (!row) throw new EngineError("NOT_FOUND", `No platform backup ${JSON.stringify(id.slice(0, 60))}.`);
    return row;
  }

  return {
    /** Whether backups can be taken here (a passphrase or Vault, and a destination). */
    configured: () => Boolean(settings && (settings.destinations.dir || settings.destinations.s3)),
    async list(actor: Actor) {
      requireAdmin(actor);
      return listPlatformBackups(deps.db);
    },
    get,
    /** Starts a backup; it runs on after this returns the row (status "running"). */
    async create(actor: Actor, input: { to?: PlatformBackupDestination } = {}) {
      requireAdmin(actor);
      return start("manual", input.to);
    },
    /** The archive of a finished backup kept in the folder, for download; null when it is in the bucket. */
    async archiveFile(actor: Actor, id: string): Promise<string | null> {
      const row = await get(actor, id);
      return row.status === "succeeded" && row.destination === "dir" && row.location ? row.location : null;
    },
    /** Resolves when the backup (if running here) has ended. */
    async waitFor(id: string) {
      await running.get(id);
    },
    /**
     * What the schedule does at its time, now: a backup kept as "schedule" and pruned to `keep`.
     * Resolves when it has ended (tests, and an operator's own cron through the same path).
     */
    async runScheduledNow() {
      const row = await start("schedule");
      await running.get(row.id);
      return findPlatformBackup(deps.db, row.id);
    },
    async startSchedule() {
      await failInterruptedPlatformBackups(deps.db, "The control plane stopped while this backup ran.");
      if (!settings?.schedule) return;
      cron = new Cron(settings.schedule, { mode: "5-part", timezone: "UTC", protect: true }, async () => {
        if (running.size > 0) return;
        await start("schedule").catch((err) => console.error("[platform-backup] scheduled backup:", (err as Error).message));
      });
    },
    async stopSchedule() {
      cron?.stop();
      cron = null;
      await Promise.allSettled([...running.values()]);
    },
  };
}

export type PlatformBackups = ReturnType<typeof createPlatformBackups>;
