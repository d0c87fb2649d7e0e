import { appInput } from "../schemas/common.ts";
import { trafficInput } from "../schemas/traffic.ts";
import { authedProcedure, router } from "../trpc.ts";

export const trafficRouter = router({
  /** The app's limits per client address, body size cap and WAF mode, and what the router can do of them. */
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.traffic.get(ctx.actor, input.app)),
  /** Sets the fields given (null clears a limit); the router reloads its routes. */
  set: authedProcedure
    .input(trafficInput)
    .mutation(({ ctx, input: { app, ...changes } }) => ctx.engine.traffic.set(ctx.actor, app, changes)),
});
