import { bigint, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id } from "./_columns.ts";
import { encryptionKeys } from "./config.ts";
import { users } from "./users.ts";

/** 0021: a user's TOTP secret, sealed; no `enabledAt` means an enrolment not yet confirmed. */
export const userMfa = pgTable("user_mfa", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  totpSecret: bytea("totp_secret").notNull(),
  totpSecretNonce: bytea("totp_secret_nonce").notNull(),
  totpSecretKeyId: text("totp_secret_key_id")
    .notNull()
    .references(() => encryptionKeys.id),
  enabledAt: at("enabled_at"),
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: createdAt(),
});

/** Single-use recovery codes, stored as SHA-256. */
export const mfaRecoveryCodes = pgTable("mfa_recovery_codes", {
  id: id(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  codeHash: text("code_hash").notNull(),
  usedAt: at("used_at"),
  createdAt: createdAt(),
});

/** A sign-in waiting for its second factor, with the guesses made at it. */
export const mfaChallenges = pgTable("mfa_challenges", {
  id: id(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  attempts: integer("attempts").notNull().default(0),
  userAgent: text("user_agent"),
  ip: text("ip"),
  expiresAt: at("expires_at").notNull(),
  createdAt: createdAt(),
});

export type UserMfa = typeof userMfa.$inferSelect;
export type MfaChallenge = typeof mfaChallenges.$inferSelect;
