import { autoscaleEventsInput, autoscaleMetricInput, autoscalePutInput } from "../schemas/autoscale.ts";
import { appInput } from "../schemas/common.ts";
import { authedProcedure, router } from "../trpc.ts";

export const autoscaleRouter = router({
  /** Each process type's policy (defaults where none is saved) and the schedules. */
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.autoscale.settings(ctx.actor, input.app)),
  /** Replaces the app's policies and schedules; the autoscaler acts on them from its next pass. */
  put: authedProcedure
    .input(autoscalePutInput)
    .mutation(({ ctx, input: { app, ...body } }) => ctx.engine.autoscale.replace(ctx.actor, app, body)),
  /** The autoscaler's decisions and notices, newest first. */
  events: authedProcedure
    .input(autoscaleEventsInput)
    .query(({ ctx, input: { app, ...page } }) => ctx.engine.autoscale.events(ctx.actor, app, page)),
  /** A custom metric's value now, for a policy on `custom`. */
  pushMetric: authedProcedure
    .input(autoscaleMetricInput.extend(appInput.shape))
    .mutation(({ ctx, input: { app, ...value } }) => ctx.engine.autoscale.pushMetric(ctx.actor, app, value)),
});
