import { scheduleCreateInput, scheduleInput, schedulePreviewInput, scheduleRunsInput, scheduleUpdateInput } from "../schemas/schedules.ts";
import { authedProcedure, router } from "../trpc.ts";

/** Scheduled jobs of an app and their runs. */
export const schedulesRouter = router({
  list: authedProcedure.input(scheduleInput.pick({ app: true })).query(async ({ ctx, input }) => ({
    jobs: await ctx.engine.schedules.list(ctx.actor, input.app),
    runtimeEnabled: ctx.engine.schedules.runtimeEnabled,
  })),
  get: authedProcedure.input(scheduleInput).query(({ ctx, input }) => ctx.engine.schedules.get(ctx.actor, input.app, input.name)),
  create: authedProcedure.input(scheduleCreateInput).mutation(({ ctx, input }) => {
    const { app, ...job } = input;
    return ctx.engine.schedules.create(ctx.actor, app, job);
  }),
  update: authedProcedure.input(scheduleUpdateInput).mutation(({ ctx, input }) => {
    const { app, name, ...changes } = input;
    return ctx.engine.schedules.update(ctx.actor, app, name, changes);
  }),
  remove: authedProcedure.input(scheduleInput).mutation(({ ctx, input }) => ctx.engine.schedules.remove(ctx.actor, input.app, input.name)),
  runs: authedProcedure
    .input(scheduleRunsInput)
    .query(({ ctx, input }) => ctx.engine.schedules.runs(ctx.actor, input.app, input.name, { limit: input.limit })),
  runNow: authedProcedure.input(scheduleInput).mutation(({ ctx, input }) => ctx.engine.schedules.runNow(ctx.actor, input.app, input.name)),
  /** The next due times of a schedule, for the dashboard's form. */
  preview: authedProcedure
    .input(schedulePreviewInput)
    .query(({ ctx, input }) => ({ at: ctx.engine.schedules.preview(input.schedule, input.timezone, input.count) })),
});
