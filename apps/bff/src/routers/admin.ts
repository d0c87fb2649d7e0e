import { nixGcInput, pruneBuildCacheInput } from "../schemas/admin.ts";
import { authedProcedure, router } from "../trpc.ts";

/** Platform-admin levers over build storage and the encryption key (the engine checks the admin role). */
export const adminRouter = router({
  buildCache: authedProcedure.query(({ ctx }) => ctx.engine.maintenance.cache(ctx.actor)),
  pruneBuildCache: authedProcedure.input(pruneBuildCacheInput).mutation(({ ctx, input }) => ctx.engine.maintenance.prune(ctx.actor, input)),
  nixGc: authedProcedure.input(nixGcInput).mutation(({ ctx, input }) => ctx.engine.maintenance.gc(ctx.actor, input)),
  nixOptimise: authedProcedure.mutation(({ ctx }) => ctx.engine.maintenance.optimise(ctx.actor)),
  rotateKeys: authedProcedure.mutation(({ ctx }) => ctx.engine.keys.rotate(ctx.actor)),
});
