import { mfaCodeInput, mfaConfirmInput, mfaDisableInput } from "../schemas/mfa.ts";
import { authedProcedure, router } from "../trpc.ts";

/** The signed-in user's own TOTP multi-factor sign-in. */
export const mfaRouter = router({
  status: authedProcedure.query(({ ctx }) => ctx.engine.auth.mfa.status(ctx.actor)),
  /** A new secret (and its otpauth:// URI); sign-in is unchanged until `confirm`. */
  enrol: authedProcedure.mutation(({ ctx }) => ctx.engine.auth.mfa.enrol(ctx.actor)),
  /** Turns MFA on with a code from the app; answers the recovery codes, shown this once. */
  confirm: authedProcedure.input(mfaConfirmInput).mutation(({ ctx, input }) => ctx.engine.auth.mfa.confirm(ctx.actor, input.code)),
  disable: authedProcedure.input(mfaDisableInput).mutation(({ ctx, input }) => ctx.engine.auth.mfa.disable(ctx.actor, input)),
  regenerateRecoveryCodes: authedProcedure
    .input(mfaCodeInput)
    .mutation(({ ctx, input }) => ctx.engine.auth.mfa.regenerateRecoveryCodes(ctx.actor, input.code)),
});
