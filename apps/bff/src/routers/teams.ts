import { z } from "zod";
import { teamCreateInput } from "../schemas/accounts.ts";
import { teamMfaInput } from "../schemas/mfa.ts";
import { teamDeployPolicyInput } from "../schemas/vulnerabilities.ts";
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
  /** Team owners and admins: members must sign in with a second factor. */
  setMfaRequired: authedProcedure.input(teamMfaInput).mutation(({ ctx, input }) => ctx.engine.teams.setMfaRequired(ctx.actor, input)),
  /** Whether deploys of builds with critical vulnerability findings need an override reason (any member reads it). */
  deployPolicy: authedProcedure
    .input(z.object({ teamId }))
    .query(({ ctx, input }) => ctx.engine.teams.deployPolicy(ctx.actor, input.teamId)),
  /** Team owners and admins turn the block on or off. */
  setDeployPolicy: authedProcedure
    .input(teamDeployPolicyInput)
    .mutation(({ ctx, input }) => ctx.engine.teams.setDeployPolicy(ctx.actor, input)),
  removeMember: authedProcedure.input(z.object({ teamId, userId })).mutation(async ({ ctx, input }) => {
    await ctx.engine.teams.removeMember(ctx.actor, input);
    return { ok: true };
  }),
});
