// Review apps (engine/pipelines/review): inputs shared by tRPC and REST.
import { z } from "zod";
import { pipelineRef } from "./pipelines.ts";

export const REVIEW_WHEN_FULL = ["refuse_newest", "destroy_oldest"] as const;

export const reviewAppsInput = z.object({ pipeline: pipelineRef });
export const reviewAppSource = z.object({
  url: z.string().min(1).max(2048).meta({ description: "A git URL to build from." }),
  ref: z.string().min(1).max(255).optional().meta({ description: "A branch, tag or commit (default: the branch)." }),
});
export const reviewAppCreateBody = z.object({
  branch: z.string().min(1).max(255).meta({ description: "The branch the review app is for." }),
  source: reviewAppSource.optional().meta({ description: "Where to build from (default: the pipeline's repository)." }),
});
export const reviewAppCreateInput = reviewAppCreateBody.extend({ pipeline: pipelineRef });
export const reviewAppDestroyBody = z.object({
  confirm: z.string().max(100).meta({ description: "The review app's app name, again." }),
});
export const reviewAppRef = z.string().min(1).max(255).meta({ description: "The review app's id or branch." });
export const reviewAppDestroyInput = reviewAppDestroyBody.extend({ pipeline: pipelineRef, reviewApp: reviewAppRef });
export const reviewSettingsBody = z.object({
  enabled: z.boolean().optional(),
  parentApp: z
    .string()
    .min(1)
    .max(100)
    .nullable()
    .optional()
    .meta({ description: "A development or staging app of the pipeline whose config review apps copy." }),
  addons: z.boolean().optional().meta({ description: "Make app.json's add-ons for each review app." }),
  maxApps: z.number().int().min(1).max(100).optional(),
  whenFull: z.enum(REVIEW_WHEN_FULL).optional(),
  ttlSeconds: z
    .number()
    .int()
    .min(3600)
    .max(31_536_000)
    .nullable()
    .optional()
    .meta({ description: "Destroyed this long after the last deploy; null: only on close." }),
  repository: z
    .string()
    .min(1)
    .max(2048)
    .nullable()
    .optional()
    .meta({ description: "The git URL review apps build from when a request names none." }),
});
export const reviewSettingsInput = reviewSettingsBody.extend({ pipeline: pipelineRef });

// Answers (the pipelines contract's ReviewAppView and review settings).
const releaseSchema = z
  .strictObject({
    id: z.string(),
    version: z.number().int(),
    kind: z.enum(["build", "config", "rollback", "promotion"]),
    createdAt: z.date(),
    storePath: z.string().nullable(),
    buildId: z.string().nullable(),
    buildNumber: z.number().int().nullable(),
    commit: z.string().nullable(),
    promotedFrom: z.strictObject({ appName: z.string(), version: z.number().int() }).nullable(),
  })
  .meta({ description: "The review app's current release." });
export const reviewAppSchema = z
  .strictObject({
    id: z.string(),
    branch: z.string(),
    prNumber: z.number().int().nullable(),
    status: z.enum(["creating", "deploying", "deployed", "failed", "destroying", "destroyed"]),
    error: z.string().nullable(),
    origin: z.enum(["api", "cli", "push", "webhook"]),
    app: z.strictObject({ id: z.string(), name: z.string(), url: z.string().nullable() }).nullable(),
    release: releaseSchema.nullable(),
    expiresAt: z.date().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: "ReviewApp" });
export const reviewSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    parentApp: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
    addons: z.boolean(),
    maxApps: z.number().int(),
    whenFull: z.enum(REVIEW_WHEN_FULL),
    ttlSeconds: z.number().int().nullable(),
    repository: z.string().nullable(),
    webhook: z.boolean().meta({ description: "Whether the pipeline has a webhook secret." }),
  })
  .meta({ id: "ReviewSettings" });
