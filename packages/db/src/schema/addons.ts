import { bigint, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";
import { encryptionKeys } from "./config.ts";

export const addons = pgTable("addons", {
  id: id(),
  // The app that owns the add-on (and pays for it); addon_attachments lists every app it is attached to.
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  type: text("type").notNull(),
  plan: text("plan").notNull(),
  status: text("status").notNull().default("provisioning"),
  // Non-secret facts (server, database name).
  details: jsonb("details").notNull().default({}),
  // The connection URL, sealed like a config var (context `addon:<id>`), so the add-on can be
  // attached again after a detach and to other apps; kept out of the audit log.
  credentials: bytea("credentials"),
  credentialsNonce: bytea("credentials_nonce"),
  credentialsKeyId: text("credentials_key_id").references(() => encryptionKeys.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Addon = typeof addons.$inferSelect;

// An add-on set on an app as the config var `name`; (app, name) is unique like config keys.
export const addonAttachments = pgTable("addon_attachments", {
  id: id(),
  addonId: uuid("addon_id")
    .notNull()
    .references(() => addons.id, { onDelete: "cascade" }),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export type AddonAttachment = typeof addonAttachments.$inferSelect;

export const BACKUP_STATUSES = ["running", "succeeded", "failed"] as const;

// A pg_dump of a PostgreSQL add-on, kept as a file in the artifact store.
export const addonBackups = pgTable("addon_backups", {
  id: id(),
  addonId: uuid("addon_id")
    .notNull()
    .references(() => addons.id, { onDelete: "cascade" }),
  trigger: text("trigger", { enum: ["manual", "schedule"] }).notNull(),
  status: text("status", { enum: BACKUP_STATUSES }).notNull().default("running"),
  sizeBytes: bigint("size_bytes", { mode: "number" }),
  sha256: text("sha256"),
  error: text("error"),
  restoreStatus: text("restore_status", { enum: BACKUP_STATUSES }),
  restoreError: text("restore_error"),
  restoredInto: uuid("restored_into"),
  restoredAt: at("restored_at"),
  createdAt: createdAt(),
  finishedAt: at("finished_at"),
  // The file's own data key, sealed under the keyring key `keyId` (context `addon-backup:<id>`);
  // null on plain dumps taken before backups were encrypted.
  dataKey: bytea("data_key"),
  dataKeyNonce: bytea("data_key_nonce"),
  keyId: text("key_id").references(() => encryptionKeys.id),
  // The encrypted file's object key in the S3 bucket, once copied there (or why the copy failed).
  remoteKey: text("remote_key"),
  remoteError: text("remote_error"),
});

export type AddonBackup = typeof addonBackups.$inferSelect;
