import { bigint, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";

export const PLATFORM_BACKUP_STATUSES = ["running", "succeeded", "failed"] as const;
export const PLATFORM_BACKUP_DESTINATIONS = ["dir", "s3"] as const;
export type PlatformBackupDestination = (typeof PLATFORM_BACKUP_DESTINATIONS)[number];

/** 0027: one backup of the whole platform (engine/platform-backup), for the dashboard's list and retention. */
export const platformBackups = pgTable("platform_backups", {
  id: uuid("id").primaryKey().defaultRandom(),
  trigger: text("trigger", { enum: ["manual", "schedule"] }).notNull(),
  destination: text("destination", { enum: PLATFORM_BACKUP_DESTINATIONS }).notNull(),
  /** A file path (dir) or `s3://bucket/key`, once the archive is written. */
  location: text("location"),
  status: text("status", { enum: PLATFORM_BACKUP_STATUSES }).notNull().default("running"),
  /** The step a running backup is at. */
  progress: text("progress"),
  sizeBytes: bigint("size_bytes", { mode: "number" }),
  sha256: text("sha256"),
  error: text("error"),
  startedAt: at("started_at").notNull().defaultNow(),
  finishedAt: at("finished_at"),
});

export type PlatformBackup = typeof platformBackups.$inferSelect;
