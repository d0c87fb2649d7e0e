import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

const strategy = z.enum(["rolling", "blue_green", "canary"]).optional();

export const deploymentsRouter = router({
  /** Where the app answers and how its instances run (null URL: the platform routes nothing). */
  overview: authedProcedure.input(z.object({ app: appRef })).query(async ({ ctx, input }) => {
    const app = await ctx.engine.apps.get(ctx.actor, input.app);
    const running = ctx.engine.running;
    return { url: running?.appUrl(app.name) ?? null, runtimeMode: running?.mode ?? null };
  }),
  list: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.deployments.list(ctx.actor, input.app)),
  get: authedProcedure
    .input(z.object({ app: appRef, id: z.string().max(64) }))
    .query(({ ctx, input }) => ctx.engine.deployments.get(ctx.actor, input.app, input.id)),
  history: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.deployments.history(ctx.actor, input.app)),
  instances: authedProcedure
    .input(z.object({ app: appRef }))
    .query(({ ctx, input }) => ctx.engine.deployments.instances(ctx.actor, input.app)),
  /** Deploys a build, or builds a git source and deploys it. */
  create: authedProcedure
    .input(
      z.object({
        app: appRef,
        buildId: z.string().max(64).optional(),
        source: z.object({ type: z.literal("git"), url: z.string().max(2000), ref: z.string().max(255).nullish() }).optional(),
        strategy,
      }),
    )
    .mutation(({ ctx, input }) => ctx.engine.deployments.create(ctx.actor, input.app, input)),
  /** A rolling restart of the current release: fresh instances, no new release. */
  restart: authedProcedure
    .input(z.object({ app: appRef, strategy }))
    .mutation(({ ctx, input }) => ctx.engine.deployments.restart(ctx.actor, input.app, input)),
  rollback: authedProcedure
    .input(z.object({ app: appRef, release: z.union([z.string().max(64), z.number().int()]).optional(), strategy }))
    .mutation(({ ctx, input }) => ctx.engine.deployments.rollback(ctx.actor, input.app, input)),
});
