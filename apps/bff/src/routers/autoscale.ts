import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

// Shapes only; the engine checks the bounds and says which one a value breaks.
const target = z.number().nullable().optional();
const policy = z.object({
  enabled: z.boolean(),
  minInstances: z.number(),
  maxInstances: z.number(),
  targetCpuPercent: target,
  targetMemoryPercent: target,
  targetRequestsPerSecond: target,
  cooldownSeconds: z.number().optional(),
});

export const autoscaleRouter = router({
  get: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.autoscale.get(ctx.actor, input.app)),
  /** Saves one process type's policy. Stored only: nothing scales on it yet. */
  set: authedProcedure
    .input(z.object({ app: appRef, processType: z.string().min(1).max(63), policy }))
    .mutation(({ ctx, input }) => ctx.engine.autoscale.set(ctx.actor, input.app, input.processType, input.policy)),
});
