import { userCreateInput } from "../schemas/accounts.ts";
import { authedProcedure, router } from "../trpc.ts";

export const usersRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.users.list(ctx.actor)),
  create: authedProcedure.input(userCreateInput).mutation(({ ctx, input }) => ctx.engine.users.create(ctx.actor, input)),
});
