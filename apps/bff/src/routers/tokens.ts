import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";

export const tokensRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.auth.tokens.list(ctx.actor)),
  /** The raw token is in this response only; it is stored hashed. */
  create: authedProcedure
    .input(z.object({ name: z.string().max(100), expiresInDays: z.number().int().nullish() }))
    .mutation(({ ctx, input }) => ctx.engine.auth.tokens.create(ctx.actor, input)),
  revoke: authedProcedure.input(z.object({ id: z.string().max(64) })).mutation(async ({ ctx, input }) => {
    await ctx.engine.auth.tokens.revoke(ctx.actor, input.id);
    return { id: input.id };
  }),
});
