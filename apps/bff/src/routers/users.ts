import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";

export const usersRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.users.list(ctx.actor)),
  create: authedProcedure
    .input(
      z.object({
        email: z.string().max(254),
        password: z.string().max(1024),
        name: z.string().max(100).optional(),
        isAdmin: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.engine.users.create(ctx.actor, input)),
});
