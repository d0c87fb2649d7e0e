import { appInput } from "../schemas/common.ts";
import { egressInput } from "../schemas/egress.ts";
import { authedProcedure, router } from "../trpc.ts";

export const egressRouter = router({
  /** What the app's instances may reach outside the platform. */
  get: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.egress.get(ctx.actor, input.app)),
  /** Replaces the policy; running instances follow it at once. */
  set: authedProcedure.input(egressInput).mutation(({ ctx, input: { app, ...policy } }) => ctx.engine.egress.set(ctx.actor, app, policy)),
});
