// An app's autoscaling: policies and schedules (each naming its process type), the autoscaler's
// decisions, and custom metric values pushed for it.
import { AUTOSCALE_EVENT_KINDS, AUTOSCALE_METRICS, autoscaleEvents } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

// Shapes and outer bounds only; the engine checks each metric's own bounds and says which one a value breaks.
const processRef = z.string().min(1).max(63).meta({ description: "The process type, e.g. web or worker." });
const instances = z.number().int().min(0).max(1000);

export const autoscaleMetric = z.enum(AUTOSCALE_METRICS).meta({
  description:
    "cpu and memory: % of the limit (instances' average); rps: requests per second per instance (web); p95: ms (web); custom: the value pushed to /autoscale/metrics.",
});

export const autoscalePolicyInput = z.strictObject({
  process: processRef,
  enabled: z.boolean(),
  min: instances,
  max: instances,
  metric: autoscaleMetric,
  target: z
    .number()
    .min(0)
    .max(1e12)
    .nullable()
    .optional()
    .meta({ description: "What the metric should read per instance; needed when enabled." }),
  stabilizationSeconds: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .meta({ description: "Scale-down waits this long and goes only to the highest recommendation over it; 10–3600, default 300." }),
});

export const autoscaleScheduleInput = z.strictObject({
  process: processRef,
  cron: z.string().min(1).max(100).meta({ description: 'Five-field cron, e.g. "0 9 * * 1-5".' }),
  timeZone: z.string().min(1).max(64).meta({ description: "IANA time zone the cron is read in, e.g. Europe/Berlin." }),
  durationSeconds: z.number().int().min(0).max(10_000_000).meta({ description: "The window each firing opens (60 s to 7 days)." }),
  min: instances.nullable().optional().meta({ description: "The minimum inside the window; absent: the policy's." }),
  max: instances.nullable().optional().meta({ description: "The maximum inside the window; absent: the policy's." }),
});

export const autoscaleBody = z.strictObject({
  policies: z.array(autoscalePolicyInput).max(50),
  schedules: z.array(autoscaleScheduleInput).max(100).optional(),
});
export const autoscalePutInput = autoscaleBody.extend({ app: appRef });

export const autoscaleEventsInput = z.object({
  app: appRef,
  limit: z.number().int().min(1).max(200).default(50),
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "Decisions older than this one (its id)." }),
  sinceSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .optional()
    .meta({ description: "Only decisions this recent (the charts' range)." }),
});

export const autoscaleMetricInput = z.strictObject({
  process: processRef,
  value: z.number().min(0).max(1e12).meta({ description: "The metric's value now, per instance, in the unit of the policy's target." }),
});

const bounds = z.strictObject({ min: z.number(), max: z.number() });
export const autoscaleSettingsSchema = z
  .strictObject({
    policies: z.array(
      autoscalePolicyInput.extend({
        target: z.number().nullable(),
        stabilizationSeconds: z.number().int(),
        saved: z.boolean().meta({ description: "False: nothing saved for this process type; these are the defaults." }),
        updatedAt: z.date().nullable(),
      }),
    ),
    schedules: z.array(autoscaleScheduleInput.extend({ min: z.number().int().nullable(), max: z.number().int().nullable() })),
    limits: z.strictObject({
      maxInstances: z.number().int(),
      stabilizationSeconds: bounds.extend({ default: z.number() }),
      targets: z.record(z.string(), bounds.extend({ unit: z.string() })),
    }),
  })
  .meta({ id: "AutoscaleSettings" });

export const autoscaleEventSchema = createSelectSchema(autoscaleEvents, { metric: autoscaleMetric, kind: z.enum(AUTOSCALE_EVENT_KINDS) })
  .strict()
  .meta({ id: "AutoscaleEvent" });

export const autoscaleMetricAccepted = z.strictObject({
  process: z.string(),
  value: z.number(),
  at: z.date(),
  freshForSeconds: z.number().meta({ description: "The autoscaler uses the value this long; push again before it goes stale." }),
});
