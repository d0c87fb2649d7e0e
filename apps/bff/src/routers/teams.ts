import { z } from "zod";
import { teamCreateInput } from "../schemas/accounts.ts";
import { authedProcedure, router } from "../trpc.ts";

const teamId = z.string().max(64);
const userId = z.string().max(64);
const role = z.string().max(20);

export const teamsRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.engine.teams.list(ctx.actor)),
  create: authedProcedure.input(teamCreateInput).mutation(({ ctx, input }) => ctx.engine.teams.create(ctx.actor, input)),
  members: authedProcedure.input(z.object({ teamId })).query(({ ctx, input }) => ctx.engine.teams.members(ctx.actor, input.teamId)),
  addMember: authedProcedure
    .input(z.object({ teamId, email: z.string().max(254), role }))
    .mutation(({ ctx, input }) => ctx.engine.teams.addMember(ctx.actor, input)),
  setRole: authedProcedure.input(z.object({ teamId, userId, role })).mutation(async ({ ctx, input }) => {
    await ctx.engine.teams.setRole(ctx.actor, input);
    return { ok: true };
  }),
  removeMember: authedProcedure.input(z.object({ teamId, userId })).mutation(async ({ ctx, input }) => {
    await ctx.engine.teams.removeMember(ctx.actor, input);
    return { ok: true };
  }),
});
