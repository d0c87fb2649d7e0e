import { appInput } from "../schemas/common.ts";
import { maintenanceInput } from "../schemas/maintenance.ts";
import { authedProcedure, router } from "../trpc.ts";

export const maintenanceRouter = router({
  /** Whether the app is in maintenance, its page and Retry-After. */
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.maintenanceMode.get(ctx.actor, input.app)),
  /** Turns maintenance on or off, or changes the page or Retry-After; answers once the router serves it. No deploy, no restart. */
  set: authedProcedure
    .input(maintenanceInput)
    .mutation(({ ctx, input: { app, ...changes } }) => ctx.engine.maintenanceMode.set(ctx.actor, app, changes)),
});
