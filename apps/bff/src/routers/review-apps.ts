import { reviewAppCreateInput, reviewAppDestroyInput, reviewAppsInput, reviewSettingsInput } from "../schemas/review-apps.ts";
import { authedProcedure, router } from "../trpc.ts";

export const reviewAppsRouter = router({
  /** Live review apps of the pipeline, oldest first. */
  list: authedProcedure.input(reviewAppsInput).query(({ ctx, input }) => ctx.engine.reviewApps.list(ctx.actor, input.pipeline)),
  /** Made in the background (build, deploy, postdeploy); the row's status says where it is. */
  create: authedProcedure.input(reviewAppCreateInput).mutation(({ ctx, input }) => {
    const { pipeline, ...rest } = input;
    return ctx.engine.reviewApps.create(ctx.actor, pipeline, rest);
  }),
  /** The app and its add-ons go; the row stays as history. */
  destroy: authedProcedure
    .input(reviewAppDestroyInput)
    .mutation(({ ctx, input }) => ctx.engine.reviewApps.destroy(ctx.actor, input.pipeline, input.reviewApp, input.confirm)),
  settings: authedProcedure.input(reviewAppsInput).query(({ ctx, input }) => ctx.engine.reviewApps.settings(ctx.actor, input.pipeline)),
  updateSettings: authedProcedure.input(reviewSettingsInput).mutation(({ ctx, input }) => {
    const { pipeline, ...rest } = input;
    return ctx.engine.reviewApps.updateSettings(ctx.actor, pipeline, rest);
  }),
  /** A new webhook secret, shown this once; `url` is the path on this server (the caller adds its origin). */
  rotateWebhookSecret: authedProcedure
    .input(reviewAppsInput)
    .mutation(({ ctx, input }) => ctx.engine.reviewApps.rotateWebhookSecret(ctx.actor, input.pipeline)),
});
