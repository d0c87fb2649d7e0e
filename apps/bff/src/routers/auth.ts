import { SetupDoneError } from "@skypanel/engine";
import { z } from "zod";
import { credentials } from "../schemas/accounts.ts";
import { mfaLoginInput } from "../schemas/mfa.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  /** Who is logged in, and whether the platform still needs its first admin. */
  session: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: (await ctx.engine.users.count()) === 0,
    user: ctx.auth?.user ?? null,
    csrfToken: ctx.auth?.csrfToken ?? null,
    mfaEnrolmentRequiredBy: ctx.auth?.mfaEnrolmentRequiredBy ?? null,
  })),

  /** Creates the first admin from the dashboard's set-up page, then logs them in. */
  setup: publicProcedure.input(credentials.extend({ name: z.string().max(100).optional() })).mutation(async ({ ctx, input }) => {
    const user = await ctx.engine.users.createFirstAdmin(input, ctx.ip);
    if (!user) throw new SetupDoneError();
    const session = await ctx.engine.auth.startSession(user, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(session.token, session.csrfToken, session.expiresAt);
    return { user, token: session.token };
  }),

  /** A session; for a user with MFA, a challenge to send with a code to `loginWithCode` instead. */
  login: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const result = await ctx.engine.auth.login(input.email, input.password, { ip: ctx.ip, userAgent: ctx.userAgent });
    if (result.mfaRequired) return { mfaRequired: true as const, challenge: result.challenge, expiresAt: result.expiresAt };
    ctx.setSession(result.token, result.csrfToken, result.expiresAt);
    return { mfaRequired: false as const, user: result.user, token: result.token };
  }),

  /** The second step: the challenge and a TOTP or recovery code make the session. */
  loginWithCode: publicProcedure.input(mfaLoginInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.engine.auth.loginWithCode(input.challenge, input.code, { ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setSession(session.token, session.csrfToken, session.expiresAt);
    return { mfaRequired: false as const, user: session.user, token: session.token };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth.via === "session" && ctx.token) await ctx.engine.auth.logout(ctx.token);
    ctx.clearSession();
    return { ok: true };
  }),
});
