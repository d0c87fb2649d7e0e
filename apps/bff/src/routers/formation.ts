import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

const change = z.union([
  z.number(),
  z.object({
    quantity: z.number().optional(),
    memoryMb: z.number().optional(),
    cpuQuota: z.number().optional(),
    maxProcs: z.number().optional(),
  }),
]);

export const formationRouter = router({
  get: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.formation.get(ctx.actor, input.app)),
  /** `{ web: 3 }` or `{ web: { quantity: 3, memoryMb: 256 } }`. */
  scale: authedProcedure
    .input(z.object({ app: appRef, changes: z.record(z.string().max(63), change) }))
    .mutation(({ ctx, input }) => ctx.engine.formation.scale(ctx.actor, input.app, input.changes)),
});
