import { appInput } from "../schemas/common.ts";
import { deploymentCreateInput, deploymentGetInput, deploymentRestartInput, deploymentRollbackInput } from "../schemas/deployments.ts";
import { authedProcedure, router } from "../trpc.ts";

export const deploymentsRouter = router({
  /** Where the app answers and how its instances run (null URL: the platform routes nothing). */
  overview: authedProcedure.input(appInput).query(async ({ ctx, input }) => {
    const app = await ctx.engine.apps.get(ctx.actor, input.app);
    const running = ctx.engine.running;
    return { url: running?.appUrl(app.name) ?? null, runtimeMode: running?.mode ?? null };
  }),
  list: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.deployments.list(ctx.actor, input.app)),
  get: authedProcedure.input(deploymentGetInput).query(({ ctx, input }) => ctx.engine.deployments.get(ctx.actor, input.app, input.id)),
  history: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.deployments.history(ctx.actor, input.app)),
  instances: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.deployments.instances(ctx.actor, input.app)),
  /** Deploys a build, or builds a git source and deploys it. */
  create: authedProcedure
    .input(deploymentCreateInput)
    .mutation(({ ctx, input }) => ctx.engine.deployments.create(ctx.actor, input.app, input)),
  /** A rolling restart of the current release: fresh instances, no new release. */
  restart: authedProcedure
    .input(deploymentRestartInput)
    .mutation(({ ctx, input }) => ctx.engine.deployments.restart(ctx.actor, input.app, input)),
  rollback: authedProcedure
    .input(deploymentRollbackInput)
    .mutation(({ ctx, input }) => ctx.engine.deployments.rollback(ctx.actor, input.app, input)),
});
