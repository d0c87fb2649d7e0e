import { boolean, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

// Data-encryption keys are files in $SKYPANEL_HOME; this table only records their ids
// so a value always names the key that sealed it, and rotation can find old ones.
export const encryptionKeys = pgTable("encryption_keys", {
  id: text("id").primaryKey(),
  algorithm: text("algorithm").notNull().default("aes-256-gcm"),
  createdAt: createdAt(),
  retiredAt: at("retired_at"),
});

// A config var: the value is AES-256-GCM ciphertext (tag appended) with its nonce and key id.
export const envVars = pgTable("env_vars", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  ciphertext: bytea("ciphertext").notNull(),
  nonce: bytea("nonce").notNull(),
  keyId: text("key_id")
    .notNull()
    .references(() => encryptionKeys.id),
  isSecret: boolean("is_secret").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type EnvVar = typeof envVars.$inferSelect;
