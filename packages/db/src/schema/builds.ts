import { bigint, boolean, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { users } from "./users.ts";

export const BUILD_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export const builds = pgTable("builds", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  number: integer("number").notNull(),
  status: text("status", { enum: BUILD_STATUSES }).notNull().default("queued"),
  sourceType: text("source_type").notNull(),
  sourceRef: text("source_ref"),
  commitSha: text("commit_sha"),
  // The build plan: stack, versions, commands, process types and why each was chosen.
  plan: jsonb("plan"),
  storePath: text("store_path"),
  closureBytes: bigint("closure_bytes", { mode: "number" }),
  cacheHit: boolean("cache_hit"),
  error: text("error"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  finishedAt: at("finished_at"),
});

export const buildCache = pgTable("build_cache", {
  id: id(),
  appId: uuid("app_id").references(() => applications.id, { onDelete: "cascade" }),
  // Hash of lockfiles, stack, versions and toolchain id.
  cacheKey: text("cache_key").notNull(),
  storePath: text("store_path").notNull(),
  sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
  hits: integer("hits").notNull().default(0),
  createdAt: createdAt(),
  lastUsedAt: at("last_used_at").notNull().defaultNow(),
});

export type Build = typeof builds.$inferSelect;
export type BuildCacheEntry = typeof buildCache.$inferSelect;
