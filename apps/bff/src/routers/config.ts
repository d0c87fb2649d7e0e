import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const configRouter = router({
  get: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.config.get(ctx.actor, input.app)),
  set: authedProcedure
    .input(z.object({ app: appRef, vars: z.record(z.string(), z.string()) }))
    .mutation(({ ctx, input }) => ctx.engine.config.set(ctx.actor, input.app, input.vars)),
  unset: authedProcedure
    .input(z.object({ app: appRef, keys: z.array(z.string()).max(500) }))
    .mutation(({ ctx, input }) => ctx.engine.config.unset(ctx.actor, input.app, input.keys)),
});
