import { tokenCreateInput, tokenRevokeInput } from "../schemas/accounts.ts";
import { authedProcedure, router } from "../trpc.ts";

export const tokensRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.auth.tokens.list(ctx.actor)),
  /** The raw token is in this response only; it is stored hashed. */
  create: authedProcedure.input(tokenCreateInput).mutation(({ ctx, input }) => ctx.engine.auth.tokens.create(ctx.actor, input)),
  revoke: authedProcedure.input(tokenRevokeInput).mutation(async ({ ctx, input }) => {
    await ctx.engine.auth.tokens.revoke(ctx.actor, input.id);
    return { id: input.id };
  }),
});
