import {
  pipelineAddAppInput,
  pipelineCreateInput,
  pipelineDeleteInput,
  pipelineInput,
  pipelineRemoveAppInput,
  promoteInput,
  promotionPreviewInput,
} from "../schemas/pipelines.ts";
import { authedProcedure, router } from "../trpc.ts";

export const pipelinesRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.pipelines.list(ctx.actor)),
  /** The stages side by side, the review apps and the review settings. */
  get: authedProcedure.input(pipelineInput).query(({ ctx, input }) => ctx.engine.pipelines.get(ctx.actor, input.pipeline)),
  create: authedProcedure.input(pipelineCreateInput).mutation(({ ctx, input }) => ctx.engine.pipelines.create(ctx.actor, input)),
  /** Only the pipeline goes: its apps are kept, taken out of it. */
  delete: authedProcedure
    .input(pipelineDeleteInput)
    .mutation(({ ctx, input }) => ctx.engine.pipelines.delete(ctx.actor, input.pipeline, input.confirm)),
  addApp: authedProcedure
    .input(pipelineAddAppInput)
    .mutation(({ ctx, input }) => ctx.engine.pipelines.addApp(ctx.actor, input.pipeline, input.app, input.stage)),
  removeApp: authedProcedure
    .input(pipelineRemoveAppInput)
    .mutation(({ ctx, input }) => ctx.engine.pipelines.removeApp(ctx.actor, input.pipeline, input.app)),
  promotionPreview: authedProcedure
    .input(promotionPreviewInput)
    .query(({ ctx, input }) => ctx.engine.pipelines.promotionPreview(ctx.actor, input.pipeline, input.from)),
  /** Deploys the source's exact build (no rebuild) to the next stage's apps, each with its own config. */
  promote: authedProcedure
    .input(promoteInput)
    .mutation(({ ctx, input }) => ctx.engine.pipelines.promote(ctx.actor, input.pipeline, input.from, input)),
});
