// Platform-admin levers over build storage and the encryption key.
import { buildCache } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";

export const pruneBuildCacheInput = z.object({
  maxAgeDays: z.number().optional(),
  maxBytes: z.number().optional(),
  dryRun: z.boolean().optional(),
});
export const nixGcInput = z.object({
  dryRun: z.boolean().optional(),
  olderThanDays: z.number().optional(),
  maxFreedBytes: z.number().optional(),
});

export const buildCacheSchema = z.strictObject({
  entries: z.array(createSelectSchema(buildCache).strict().meta({ id: "BuildCacheEntry" })),
  totalBytes: z.number(),
});
export const prunedBuildCacheSchema = z.strictObject({
  dryRun: z.boolean(),
  removed: z.array(z.strictObject({ cacheKey: z.string(), sizeBytes: z.number(), lastUsedAt: z.date(), why: z.enum(["age", "size"]) })),
  freedBytes: z.number(),
  keptBytes: z.number(),
});
export const nixGcSchema = z.strictObject({
  dryRun: z.boolean(),
  generations: z.array(z.strictObject({ app: z.string(), numbers: z.array(z.number().int()) })),
  paths: z.number().int(),
  bytes: z.number(),
});
export const nixOptimiseSchema = z.strictObject({ bytesSaved: z.number(), files: z.number().int() });
export const rotatedKeysSchema = z.strictObject({
  keyId: z.string(),
  retired: z.array(z.string()),
  vars: z.number().int(),
  releases: z.number().int(),
  addons: z.number().int(),
});
