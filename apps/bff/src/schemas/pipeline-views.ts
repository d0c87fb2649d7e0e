// What the pipelines API answers (engine/pipelines/types.ts), for REST's validation and OpenAPI.
// Apart from schemas/pipelines.ts because the review-app schemas it reuses import that file.
import { z } from "zod";
import { reviewAppSchema, reviewSettingsSchema } from "./review-apps.ts";

const appBrief = z.strictObject({ id: z.string(), name: z.string() });

export const pipelineReleaseSchema = z
  .strictObject({
    id: z.string(),
    version: z.number().int(),
    kind: z.enum(["build", "config", "rollback", "promotion"]),
    createdAt: z.date(),
    storePath: z.string().nullable(),
    buildId: z.string().nullable(),
    buildNumber: z.number().int().nullable(),
    commit: z.string().nullable(),
    promotedFrom: z
      .strictObject({ appName: z.string(), version: z.number().int() })
      .nullable()
      .meta({ description: "The release a promotion copied the build of." }),
  })
  .meta({ id: "PipelineRelease" });

export const pipelineSummarySchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    teamId: z.string(),
    appCount: z.number().int().meta({ description: "Apps at the development, staging and production stages." }),
    reviewAppCount: z.number().int().meta({ description: "Live review apps." }),
  })
  .meta({ id: "PipelineSummary" });

export const stageAppSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  url: z.string().nullable(),
  release: pipelineReleaseSchema.nullable().meta({ description: "What runs now." }),
  configKeys: z.array(z.string()).meta({ description: "The app's config keys (never values)." }),
});

export const pipelineSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    teamId: z.string(),
    stages: z.array(z.strictObject({ stage: z.enum(["development", "staging", "production"]), apps: z.array(stageAppSchema) })),
    reviewApps: z.array(reviewAppSchema),
    review: reviewSettingsSchema,
  })
  .meta({ id: "Pipeline" });

const configKeyDiff = z.strictObject({
  onlyInSource: z.array(z.string()),
  onlyInTarget: z.array(z.string()),
  inBoth: z.array(z.string()),
});

export const promotionPreviewSchema = z
  .strictObject({
    from: z.strictObject({ app: appBrief, release: pipelineReleaseSchema }),
    nextStage: z.enum(["development", "staging", "production"]),
    targets: z.array(
      z.strictObject({
        app: appBrief,
        release: pipelineReleaseSchema.nullable(),
        strategy: z.string().meta({ description: "The strategy it deploys with: that of its last deployment, else rolling." }),
        configKeys: configKeyDiff,
      }),
    ),
  })
  .meta({ id: "PromotionPreview" });

export const promotionSchema = z
  .strictObject({
    promotions: z.array(z.strictObject({ app: appBrief, releaseVersion: z.number().int(), deploymentId: z.string() })),
  })
  .meta({ id: "Promotion" });
