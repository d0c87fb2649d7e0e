import { SetupDoneError } from "@skypanel/engine";
import { z } from "zod";
import { credentials } from "../schemas/accounts.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  /** Who is logged in, and whether the platform still needs its first admin. */
  session: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: (await ctx.engine.users.count()) === 0,
    user: ctx.auth?.user ?? null,
    csrfToken: ctx.auth?.csrfToken ?? null,
  })),

  /** Creates the first admin from the dashboard's set-up page, then logs them in. */
  setup: publicProcedure.input(credentials.extend({ name: z.string().max(100).optional() })).mutation(async ({ ctx, input }) => {
    const user = await ctx.engine.users.createFirstAdmin(input, ctx.ip);
    if (!user) throw new SetupDoneError();
    const session = await ctx.engine.auth.startSession(user, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(session.token, session.csrfToken, session.expiresAt);
    return { user, token: session.token };
  }),

  login: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const session = await ctx.engine.auth.login(input.email, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(session.token, session.csrfToken, session.expiresAt);
    return { user: session.user, token: session.token };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth.via === "session" && ctx.token) await ctx.engine.auth.logout(ctx.token);
    ctx.clearSession();
    return { ok: true };
  }),
});
