import { appInput } from "../schemas/common.ts";
import { formationScaleInput } from "../schemas/formation.ts";
import { authedProcedure, router } from "../trpc.ts";

export const formationRouter = router({
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.formation.get(ctx.actor, input.app)),
  /** `{ web: 3 }` or `{ web: { quantity: 3, memoryMb: 256 } }`. */
  scale: authedProcedure
    .input(formationScaleInput)
    .mutation(({ ctx, input }) => ctx.engine.formation.scale(ctx.actor, input.app, input.changes)),
});
