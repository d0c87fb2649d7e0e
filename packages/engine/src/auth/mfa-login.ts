// The second step of signing in for a user with MFA: a right password earns a short-lived
// challenge (not a session); the challenge and a code earn the session.
import {
  deleteMfaChallenge,
  findUserById,
  findUserMfa,
  insertMfaChallenge,
  recentMfaGuesses,
  takeMfaChallengeGuess,
} from "@skypanel/db/queries";
import type { EngineDeps } from "../deps.ts";
import { EngineError, RateLimitedError } from "../errors.ts";
import { type PublicUser, toPublicUser } from "../users/index.ts";
import { InvalidMfaCodeError, type Mfa } from "./mfa.ts";
import { hashToken, newToken } from "./tokens.ts";

export const MFA_CHALLENGE_PREFIX = "spm_";
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
/** Guesses at one challenge; then the password must be given again. */
export const MFA_GUESSES_PER_CHALLENGE = 5;
/** Wrong codes per account per window, over all its challenges, so new challenges do not mean new guesses. */
export const MFA_GUESSES_PER_ACCOUNT = { limit: 20, windowMs: 15 * 60_000 };

export interface MfaChallenge {
  mfaRequired: true;
  /** Sent back with the code; it is not a session and opens nothing else. */
  challenge: string;
  expiresAt: Date;
}

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export function createMfaLogin(deps: EngineDeps, mfa: Mfa) {
  const { db, now } = deps;

  return {
    /** Whether this user must give a second factor to sign in. */
    async required(userId: string) {
      return Boolean((await findUserMfa(db, userId))?.enabledAt);
    },

    async challenge(userId: string, meta: ClientMeta): Promise<MfaChallenge> {
      const t = now();
      const guesses = await recentMfaGuesses(db, userId, new Date(t.getTime() - MFA_GUESSES_PER_ACCOUNT.windowMs));
      if (guesses >= MFA_GUESSES_PER_ACCOUNT.limit) throw new RateLimitedError(Math.ceil(MFA_GUESSES_PER_ACCOUNT.windowMs / 1000));
      const challenge = newToken(MFA_CHALLENGE_PREFIX);
      const expiresAt = new Date(t.getTime() + MFA_CHALLENGE_TTL_MS);
      await insertMfaChallenge(
        db,
        { userId, tokenHash: hashToken(challenge), expiresAt, userAgent: meta.userAgent?.slice(0, 500) ?? null, ip: meta.ip ?? null },
        t,
      );
      return { mfaRequired: true, challenge, expiresAt };
    },

    /** Trades a challenge and a TOTP or recovery code for the user to start a session as. */
    async complete(challenge: string, code: string, meta: ClientMeta): Promise<PublicUser> {
      const t = now();
      const found = await takeMfaChallengeGuess(db, hashToken(challenge), t, {
        perChallenge: MFA_GUESSES_PER_CHALLENGE,
        perAccount: MFA_GUESSES_PER_ACCOUNT.limit,
        since: new Date(t.getTime() - MFA_GUESSES_PER_ACCOUNT.windowMs),
      });
      if (!found) {
        throw new EngineError("UNAUTHORIZED", "This sign-in has expired or had too many wrong codes. Log in with your password again.");
      }
      const [row, user] = await Promise.all([findUserMfa(db, found.userId), findUserById(db, found.userId)]);
      if (!row?.enabledAt || !user) throw new EngineError("UNAUTHORIZED", "Log in with your password again.");
      const factor = await mfa.verifySecondFactor(row, code, meta.ip);
      if (!factor) {
        const left = MFA_GUESSES_PER_CHALLENGE - found.attempts;
        await mfa.audit(user.id, "auth.mfa_failed", meta.ip, { during: "sign-in", guessesLeft: left });
        throw new InvalidMfaCodeError(
          left > 0
            ? `That code is not right (or was already used). ${left} ${left === 1 ? "try" : "tries"} left.`
            : "That code is not right. Too many wrong codes: log in with your password again.",
        );
      }
      await deleteMfaChallenge(db, found.id);
      return toPublicUser(user);
    },
  };
}

export type MfaLogin = ReturnType<typeof createMfaLogin>;
