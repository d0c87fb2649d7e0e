// SKYPANEL_BACKUP_*: whole-platform backups' passphrase, destinations, schedule and retention.
// Read by the platform (config.ts) and by the offline restore (restore.ts) alike.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type BackupS3Settings, checkBackupSchedule } from "@skypanel/engine";
import { z } from "zod";

export interface BackupConfig {
  /** Wraps the key files in every backup; null: Vault's wrapping only (or backups refused). */
  passphrase: string | null;
  dir: string | null;
  s3: BackupS3Settings | null;
  /** 5-field cron (UTC); null: no scheduled backups. */
  schedule: string | null;
  keep: number;
}

const schema = z.object({
  SKYPANEL_BACKUP_PASSPHRASE: z.string().optional(),
  SKYPANEL_BACKUP_PASSPHRASE_FILE: z.string().optional(),
  SKYPANEL_BACKUP_DIR: z.string().optional(),
  SKYPANEL_BACKUP_S3_ENDPOINT: z.string().url().optional(),
  SKYPANEL_BACKUP_S3_BUCKET: z.string().optional(),
  SKYPANEL_BACKUP_S3_REGION: z.string().default("us-east-1"),
  SKYPANEL_BACKUP_S3_ACCESS_KEY_ID: z.string().optional(),
  SKYPANEL_BACKUP_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SKYPANEL_BACKUP_S3_PREFIX: z.string().default("skypanel/platform-backups"),
  SKYPANEL_BACKUP_SCHEDULE: z.string().optional(),
  SKYPANEL_BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
});

/** Throws an Error naming the setting when one is wrong. */
export function backupConfigFromEnv(env: NodeJS.ProcessEnv, home: string): BackupConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${i?.path.join(".")}: ${i?.message}`);
  }
  const e = parsed.data;
  if (e.SKYPANEL_BACKUP_PASSPHRASE && e.SKYPANEL_BACKUP_PASSPHRASE_FILE)
    throw new Error("Set SKYPANEL_BACKUP_PASSPHRASE or SKYPANEL_BACKUP_PASSPHRASE_FILE, not both.");
  let passphrase = e.SKYPANEL_BACKUP_PASSPHRASE || null;
  if (e.SKYPANEL_BACKUP_PASSPHRASE_FILE) {
    try {
      passphrase = readFileSync(e.SKYPANEL_BACKUP_PASSPHRASE_FILE, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      throw new Error(`SKYPANEL_BACKUP_PASSPHRASE_FILE cannot be read: ${(err as Error).message}`);
    }
  }
  if (passphrase !== null && [...passphrase].length < 12) throw new Error("The backup passphrase is 12 characters or more.");
  const s3 = [
    e.SKYPANEL_BACKUP_S3_ENDPOINT,
    e.SKYPANEL_BACKUP_S3_BUCKET,
    e.SKYPANEL_BACKUP_S3_ACCESS_KEY_ID,
    e.SKYPANEL_BACKUP_S3_SECRET_ACCESS_KEY,
  ];
  if (s3.some(Boolean) && !s3.every(Boolean))
    throw new Error("The backup bucket needs SKYPANEL_BACKUP_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID and _SECRET_ACCESS_KEY together.");
  if (e.SKYPANEL_BACKUP_SCHEDULE) {
    try {
      checkBackupSchedule(e.SKYPANEL_BACKUP_SCHEDULE);
    } catch (err) {
      throw new Error(`SKYPANEL_BACKUP_SCHEDULE is not a 5-field cron expression: ${(err as Error).message}`);
    }
  }
  return {
    passphrase,
    // Default beside the home, not in it: a backup inside the folder it protects is lost with it.
    dir: resolve(e.SKYPANEL_BACKUP_DIR || `${resolve(home)}-backups`),
    s3: s3.every(Boolean)
      ? {
          endpoint: e.SKYPANEL_BACKUP_S3_ENDPOINT ?? "",
          bucket: e.SKYPANEL_BACKUP_S3_BUCKET ?? "",
          region: e.SKYPANEL_BACKUP_S3_REGION,
          accessKeyId: e.SKYPANEL_BACKUP_S3_ACCESS_KEY_ID ?? "",
          secretAccessKey: e.SKYPANEL_BACKUP_S3_SECRET_ACCESS_KEY ?? "",
          prefix: e.SKYPANEL_BACKUP_S3_PREFIX,
        }
      : null,
    schedule: e.SKYPANEL_BACKUP_SCHEDULE || null,
    keep: e.SKYPANEL_BACKUP_KEEP,
  };
}
