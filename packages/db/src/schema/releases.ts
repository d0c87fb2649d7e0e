import { integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { builds } from "./builds.ts";
import { users } from "./users.ts";

// A release is a build plus a config snapshot: immutable, numbered v1, v2, …
export const releases = pgTable("releases", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  buildId: uuid("build_id").references(() => builds.id, { onDelete: "set null" }),
  // Config var keys and their encrypted-value ids at release time; never plaintext.
  configSnapshot: jsonb("config_snapshot").notNull().default({}),
  description: text("description").notNull().default(""),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  // 0006: what the release runs.
  storePath: text("store_path"),
  processes: jsonb("processes").$type<Record<string, string>>().notNull().default({}),
  releaseCommand: text("release_command"),
  kind: text("kind", { enum: ["build", "config", "rollback", "promotion"] })
    .notNull()
    .default("build"),
  // 0031: a promotion names the release (of the previous stage's app) whose build it runs.
  promotedFromReleaseId: uuid("promoted_from_release_id"),
});

export const DEPLOYMENT_STATUSES = ["queued", "pending", "running", "succeeded", "failed", "cancelled", "rolled_back"] as const;
// The one list of deploy strategies: the engine, the API's input schemas and the dashboard's labels derive from it.
export const DEPLOY_STRATEGIES = ["rolling", "blue_green", "canary"] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

export const deployments = pgTable("deployments", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  // Null while the deployment waits for its build.
  releaseId: uuid("release_id").references(() => releases.id, { onDelete: "cascade" }),
  strategy: text("strategy", { enum: DEPLOY_STRATEGIES }).notNull().default("rolling"),
  status: text("status", { enum: DEPLOYMENT_STATUSES }).notNull().default("pending"),
  steps: jsonb("steps").notNull().default([]),
  error: text("error"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  startedAt: at("started_at"),
  finishedAt: at("finished_at"),
  // 0006
  previousReleaseId: uuid("previous_release_id").references(() => releases.id, { onDelete: "set null" }),
  options: jsonb("options").notNull().default({}),
  durationMs: integer("duration_ms"),
});

// Who did what to an app's running release, and how it ended: deploys, rollbacks, scale changes.
export const deploymentsHistory = pgTable("deployments_history", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  deploymentId: uuid("deployment_id").references(() => deployments.id, { onDelete: "set null" }),
  releaseId: uuid("release_id").references(() => releases.id, { onDelete: "set null" }),
  action: text("action").notNull(),
  outcome: text("outcome").notNull(),
  actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
  durationMs: integer("duration_ms"),
  details: jsonb("details").notNull().default({}),
  createdAt: createdAt(),
});

export type Release = typeof releases.$inferSelect;
export type Deployment = typeof deployments.$inferSelect;
export type DeploymentHistoryEntry = typeof deploymentsHistory.$inferSelect;
