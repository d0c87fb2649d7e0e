// Multi-factor sign-in: the login's second step, enrolment, recovery codes and turning it off.
import { z } from "zod";
import { loginSchema } from "./accounts.ts";

/** A six-digit TOTP code or a recovery code (XXXX-XXXX-XXXX-XXXX). */
const code = z.string().trim().min(1, "Enter a code.").max(40);

export const mfaLoginInput = z.object({
  challenge: z.string().min(1).max(200).meta({ description: "The challenge POST /api/auth/login answered." }),
  code,
});
export const mfaConfirmInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code your authenticator app shows."),
});
export const mfaDisableInput = z.object({ password: z.string().max(1024), code });
export const mfaCodeInput = z.object({ code });
export const teamMfaInput = z.object({ teamId: z.string().max(64), required: z.boolean() });

export const mfaChallengeSchema = z
  .strictObject({
    mfaRequired: z.literal(true),
    challenge: z.string().meta({ description: "Send it with a code to POST /api/auth/login/mfa; it is not a session." }),
    expiresAt: z.date(),
  })
  .meta({ id: "MfaChallenge" });
/** A log-in answers a session, or for a user with MFA a challenge to complete with a code. */
export const loginAnswerSchema = z.union([loginSchema, mfaChallengeSchema]);

export const mfaStatusSchema = z.strictObject({
  enabled: z.boolean(),
  enabledAt: z.date().nullable(),
  recoveryCodesLeft: z.number().int(),
});
export const mfaEnrolmentSchema = z.strictObject({
  secret: z.string().meta({ description: "Base32, for typing into an authenticator app by hand." }),
  uri: z.string().meta({ description: "The otpauth:// URI (what a QR code would carry)." }),
});
export const recoveryCodesSchema = z.strictObject({
  recoveryCodes: z.array(z.string()).meta({ description: "Shown this once; each works once. Store them somewhere safe." }),
});
export const mfaConfirmedSchema = recoveryCodesSchema.extend({ enabled: z.literal(true) }).strict();
export const mfaDisabledSchema = z.strictObject({ enabled: z.literal(false) });
export const teamMfaSchema = z.strictObject({ teamId: z.string(), mfaRequired: z.boolean() });
