// The formation: how many instances of each process type run, and with what limits.
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
  })
  .meta({ id: "ProcessFormation" });
