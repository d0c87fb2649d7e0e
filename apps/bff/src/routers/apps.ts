import { appCreateInput, appListInput, appTransferInput, appUpdateInput } from "../schemas/apps.ts";
import { appInput } from "../schemas/common.ts";
import { authedProcedure, router } from "../trpc.ts";

// Inputs live in ../schemas, shared with the REST face and its OpenAPI document.
export { appRef } from "../schemas/common.ts";

export const appsRouter = router({
  list: authedProcedure.input(appListInput.optional()).query(({ ctx, input }) => ctx.engine.apps.list(ctx.actor, input ?? {})),
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.apps.get(ctx.actor, input.app)),
  create: authedProcedure.input(appCreateInput).mutation(({ ctx, input }) => ctx.engine.apps.create(ctx.actor, input)),
  update: authedProcedure.input(appUpdateInput).mutation(({ ctx, input }) => ctx.engine.apps.update(ctx.actor, input.app, input)),
  /** Moves the app to another team the caller may create apps in. */
  transfer: authedProcedure
    .input(appTransferInput)
    .mutation(({ ctx, input }) => ctx.engine.apps.transfer(ctx.actor, input.app, input.teamId)),
  delete: authedProcedure.input(appInput).mutation(({ ctx, input }) => ctx.engine.apps.delete(ctx.actor, input.app)),
});
