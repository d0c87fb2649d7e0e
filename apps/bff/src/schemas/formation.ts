// The formation: how many instances of each process type run, and with what limits.
import { HEALTH_CHECK_TYPES } from "@skypanel/engine";
import { z } from "zod";
import { appRef } from "./common.ts";

const change = z.union([
  z.number(),
  z.object({
    quantity: z.number().optional(),
    memoryMb: z.number().optional(),
    cpuQuota: z.number().optional(),
    maxProcs: z.number().optional(),
  }),
]);

/** `{ web: 3 }` or `{ web: { quantity: 3, memoryMb: 256 } }`. */
export const formationChanges = z.record(z.string().max(63), change);
export const formationScaleInput = z.object({ app: appRef, changes: formationChanges });

export const processFormationSchema = z
  .strictObject({
    processType: z.string(),
    quantity: z.number().int(),
    memoryMb: z.number().int(),
    cpuQuota: z.number(),
    maxProcs: z.number().int(),
    command: z.string().nullable(),
    healthCheck: z
      .strictObject({
        type: z.enum(HEALTH_CHECK_TYPES).optional(),
        path: z.string().optional(),
        expectStatus: z.union([z.number().int(), z.strictObject({ min: z.number().int(), max: z.number().int() })]).optional(),
        bodyMatch: z.string().optional(),
        host: z.string().optional(),
        command: z.string().optional(),
        intervalSeconds: z.number().optional(),
        timeoutSeconds: z.number().optional(),
        startPeriodSeconds: z.number().optional(),
        healthyThreshold: z.number().int().optional(),
        unhealthyThreshold: z.number().int().optional(),
      })
      .nullable()
      .meta({ description: "The process type's health check settings (from app.json's `healthchecks`); null: its default check." }),
  })
  .meta({ id: "ProcessFormation" });
