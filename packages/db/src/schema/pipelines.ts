import { boolean, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, bytea, createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

export const PIPELINE_STAGES = ["review", "development", "staging", "production"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export const REVIEW_WHEN_FULL = ["refuse_newest", "destroy_oldest"] as const;
export const REVIEW_APP_STATUSES = ["creating", "deploying", "deployed", "failed", "destroying", "destroyed"] as const;
export type ReviewAppStatus = (typeof REVIEW_APP_STATUSES)[number];
export const REVIEW_APP_ORIGINS = ["api", "cli", "push", "webhook"] as const;

/** 0031: a team's apps grouped into stages (engine/pipelines), with its review-app settings. */
export const pipelines = pgTable("pipelines", {
  id: id(),
  teamId: uuid("team_id")
    .notNull()
    .references(() => teams.id, { onDelete: "restrict" }),
  name: text("name").notNull(),
  reviewEnabled: boolean("review_enabled").notNull().default(false),
  /** Review apps copy this app's config (then app.json env on top). */
  reviewParentAppId: uuid("review_parent_app_id").references(() => applications.id, { onDelete: "set null" }),
  reviewAddons: boolean("review_addons").notNull().default(true),
  reviewMaxApps: integer("review_max_apps").notNull().default(5),
  reviewWhenFull: text("review_when_full", { enum: REVIEW_WHEN_FULL }).notNull().default("refuse_newest"),
  reviewTtlSeconds: integer("review_ttl_seconds"),
  reviewRepository: text("review_repository"),
  /** The webhook's HMAC secret, sealed (secrets/cipher) with context `pipeline-webhook:<id>`. */
  webhookSecret: bytea("webhook_secret"),
  webhookNonce: bytea("webhook_nonce"),
  webhookKeyId: text("webhook_key_id"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** An app's place in a pipeline: at most one pipeline, one stage. */
export const pipelineApps = pgTable("pipeline_apps", {
  appId: uuid("app_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  pipelineId: uuid("pipeline_id")
    .notNull()
    .references(() => pipelines.id, { onDelete: "cascade" }),
  stage: text("stage", { enum: PIPELINE_STAGES }).notNull(),
  addedAt: at("added_at").notNull().defaultNow(),
});

/** A review app: one live per pipeline and branch; kept as history once destroyed. */
export const reviewApps = pgTable("review_apps", {
  id: id(),
  pipelineId: uuid("pipeline_id")
    .notNull()
    .references(() => pipelines.id, { onDelete: "cascade" }),
  appId: uuid("app_id").references(() => applications.id, { onDelete: "set null" }),
  branch: text("branch").notNull(),
  prNumber: integer("pr_number"),
  sourceUrl: text("source_url"),
  headSha: text("head_sha"),
  origin: text("origin", { enum: REVIEW_APP_ORIGINS }).notNull(),
  status: text("status", { enum: REVIEW_APP_STATUSES }).notNull().default("creating"),
  error: text("error"),
  /** What making it has made so far (engine/pipelines/review), so a restart resumes. */
  made: jsonb("made").$type<Record<string, unknown>>().notNull().default({}),
  expiresAt: at("expires_at"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  destroyedAt: at("destroyed_at"),
});

export type Pipeline = typeof pipelines.$inferSelect;
export type PipelineApp = typeof pipelineApps.$inferSelect;
export type ReviewApp = typeof reviewApps.$inferSelect;
