import { sessionRevokeInput } from "../schemas/sessions.ts";
import { authedProcedure, router } from "../trpc.ts";

/** The caller's own sessions; the token the request carries marks the current one. */
export const sessionsRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.auth.sessions.list(ctx.actor, ctx.token)),
  revoke: authedProcedure.input(sessionRevokeInput).mutation(async ({ ctx, input }) => {
    await ctx.engine.auth.sessions.revoke(ctx.actor, input.id);
    return { id: input.id };
  }),
  /** Logs out everywhere else: every session but the current one (all of them when called with an API token). */
  revokeOthers: authedProcedure.mutation(({ ctx }) => ctx.engine.auth.sessions.revokeOthers(ctx.actor, ctx.token)),
});
