import { appInput } from "../schemas/common.ts";
import { drainAddInput, drainRemoveInput } from "../schemas/drains.ts";
import { authedProcedure, router } from "../trpc.ts";

export const drainsRouter = router({
  list: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.drains.list(ctx.actor, input.app)),
  add: authedProcedure.input(drainAddInput).mutation(({ ctx, input }) => ctx.engine.drains.add(ctx.actor, input.app, input.url)),
  /** By the drain's id or its URL, as `drains:remove` takes either. */
  remove: authedProcedure.input(drainRemoveInput).mutation(({ ctx, input }) => ctx.engine.drains.remove(ctx.actor, input.app, input.id)),
});
