import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { users } from "./users.ts";

// A browser session. The cookie carries the raw token; only its SHA-256 is stored.
export const sessions = pgTable("sessions", {
  id: id(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull(),
  csrfToken: text("csrf_token").notNull(),
  userAgent: text("user_agent"),
  ip: text("ip"),
  createdAt: createdAt(),
  expiresAt: at("expires_at").notNull(),
  lastSeenAt: at("last_seen_at").notNull().defaultNow(),
});

/** What an API token may do (apps/bff/src/scopes.ts says which calls each allows); sessions are unscoped. */
export const API_TOKEN_SCOPES = ["read", "deploy", "admin"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

// A Bearer token for scripts, the CLI and CI. Only its SHA-256 is stored.
export const apiTokens = pgTable("api_tokens", {
  id: id(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull(),
  // The first characters of the token, shown so a user can tell tokens apart.
  prefix: text("prefix").notNull(),
  scope: text("scope", { enum: API_TOKEN_SCOPES }).notNull(),
  createdAt: createdAt(),
  lastUsedAt: at("last_used_at"),
  expiresAt: at("expires_at"),
});

export type Session = typeof sessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
