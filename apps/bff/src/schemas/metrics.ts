// An app's metrics over a range, downsampled to about 120 points.
import { z } from "zod";
import { appRef } from "./common.ts";

export const metricsSeriesInput = z.object({ app: appRef, range: z.enum(["15m", "1h", "6h", "24h", "7d"]).default("1h") });

export const metricsSeriesSchema = z.strictObject({
  range: metricsSeriesInput.shape.range.unwrap(),
  bucketSeconds: z.number().int(),
  points: z.array(
    z.strictObject({
      t: z.number().meta({ description: "The bucket's start, in milliseconds since the epoch." }),
      cpuPercent: z.number().nullable(),
      memoryBytes: z.number().nullable(),
      netRxBytesPerSec: z.number().nullable(),
      netTxBytesPerSec: z.number().nullable(),
      instances: z.number().int(),
    }),
  ),
  requests: z.array(
    z.strictObject({
      t: z.number(),
      rate: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      errorRate: z
        .number()
        .nullable()
        .meta({ description: "The share of requests answered 5xx (0 to 1); null when none were counted by status class." }),
    }),
  ),
});
