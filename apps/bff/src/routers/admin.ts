import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";

/** Platform-admin levers over build storage and the encryption key (the engine checks the admin role). */
export const adminRouter = router({
  buildCache: authedProcedure.query(({ ctx }) => ctx.engine.maintenance.cache(ctx.actor)),
  pruneBuildCache: authedProcedure
    .input(z.object({ maxAgeDays: z.number().optional(), maxBytes: z.number().optional(), dryRun: z.boolean().optional() }))
    .mutation(({ ctx, input }) => ctx.engine.maintenance.prune(ctx.actor, input)),
  nixGc: authedProcedure
    .input(z.object({ dryRun: z.boolean().optional(), olderThanDays: z.number().optional(), maxFreedBytes: z.number().optional() }))
    .mutation(({ ctx, input }) => ctx.engine.maintenance.gc(ctx.actor, input)),
  nixOptimise: authedProcedure.mutation(({ ctx }) => ctx.engine.maintenance.optimise(ctx.actor)),
  rotateKeys: authedProcedure.mutation(({ ctx }) => ctx.engine.keys.rotate(ctx.actor)),
});
