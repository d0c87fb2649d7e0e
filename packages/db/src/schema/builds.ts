import { bigint, boolean, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import type { BuildPlan } from "./build-plan.ts";
import { jobs } from "./jobs.ts";
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
  plan: jsonb("plan").$type<BuildPlan>(),
  storePath: text("store_path"),
  closureBytes: bigint("closure_bytes", { mode: "number" }),
  cacheHit: boolean("cache_hit"),
  error: text("error"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  finishedAt: at("finished_at"),
  // 0005: the pipeline's record.
  source: jsonb("source").$type<BuildSource>().notNull().default({}),
  stages: jsonb("stages").$type<BuildStage[]>().notNull().default([]),
  toolchainId: text("toolchain_id"),
  cacheKey: text("cache_key"),
  durationMs: integer("duration_ms"),
  cancelRequestedAt: at("cancel_requested_at"),
  jobId: uuid("job_id").references(() => jobs.id, { onDelete: "set null" }),
});

/** Where a build's source came from, as the user gave it (never credentials). */
export type BuildSource =
  | { type: "git"; url: string; ref: string | null }
  | { type: "archive"; filename: string; bytes: number }
  | { type: "push"; ref: string; sha: string }
  | Record<string, never>;

export const BUILD_STAGE_NAMES = ["fetch", "detect", "dependencies", "build", "tests", "artifact", "optimise"] as const;
export type BuildStageName = (typeof BUILD_STAGE_NAMES)[number];
export interface BuildStage {
  name: BuildStageName;
  status: "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled";
  startedAt: string | null;
  durationMs: number | null;
  /** One line for the user: "cache hit", "3 packages removed (1.2 MB)", … */
  detail: string | null;
}

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
  kind: text("kind").notNull().default("deps"),
  stack: text("stack"),
  narHash: text("nar_hash"),
  remoteKey: text("remote_key"),
});

export type Build = typeof builds.$inferSelect;
export type BuildCacheEntry = typeof buildCache.$inferSelect;
