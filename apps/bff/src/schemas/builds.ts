// Builds: what the procedures take, and a build's record as the API shows it.
import { BUILD_STAGE_NAMES, builds } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { buildPlanSchema } from "./build-plan.ts";
import { appRef } from "./common.ts";
import { gitSource } from "./deployments.ts";

export const buildRef = z.object({ app: appRef, id: z.string().max(64) });
export const buildListInput = z.object({ app: appRef, limit: z.number().int().optional(), beforeNumber: z.number().int().optional() });
export const buildCreateInput = z.object({ app: appRef, source: gitSource });
export const buildUploadInput = z.object({
  app: appRef,
  uploadPath: z.string().max(4096),
  filename: z.string().max(255),
  bytes: z.number().int().min(0),
});
export const buildLogInput = buildRef.extend({ after: z.number().int().min(0).optional() });

/** Where a build's source came from, as the user gave it (never credentials); `{}` for none recorded. */
export const buildSourceSchema = z
  .union([
    z.strictObject({ type: z.literal("git"), url: z.string(), ref: z.string().nullable() }),
    z.strictObject({ type: z.literal("archive"), filename: z.string(), bytes: z.number().int() }),
    z.strictObject({ type: z.literal("push"), ref: z.string(), sha: z.string() }),
    z.strictObject({}),
  ])
  .meta({ id: "BuildSource" });

export const buildStageSchema = z.strictObject({
  name: z.enum(BUILD_STAGE_NAMES),
  status: z.enum(["pending", "running", "succeeded", "failed", "skipped", "cancelled"]),
  startedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nullable(),
  detail: z.string().nullable().meta({ description: 'One line for the user: "cache hit", "3 packages removed (1.2 MB)", …' }),
});

export const buildColumns = createSelectSchema(builds, {
  plan: z.union([buildPlanSchema, z.null()]),
  source: buildSourceSchema,
  stages: z.array(buildStageSchema),
});

export const buildLogLineSchema = z.strictObject({ n: z.number().int(), text: z.string() });
export const cancelledBuildSchema = z.strictObject({ id: z.string(), status: z.string() });
