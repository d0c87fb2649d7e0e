import { buildTraceInput, deploymentTraceInput } from "../schemas/traces.ts";
import { authedProcedure, router } from "../trpc.ts";

/** Step waterfalls of builds and deployments, from the spans the platform kept of them. */
export const tracesRouter = router({
  build: authedProcedure.input(buildTraceInput).query(({ ctx, input }) => ctx.engine.traces.forBuild(ctx.actor, input.app, input.id)),
  deployment: authedProcedure
    .input(deploymentTraceInput)
    .query(({ ctx, input }) => ctx.engine.traces.forDeployment(ctx.actor, input.app, input.id)),
});
