import { and, eq, gt, isNotNull, isNull, lt, notExists, or, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { memberships, mfaChallenges, mfaRecoveryCodes, teams, userMfa } from "../schema/index.ts";

export async function findUserMfa(db: Database, userId: string) {
  const [row] = await db.select().from(userMfa).where(eq(userMfa.userId, userId));
  return row ?? null;
}

/** A new, unconfirmed enrolment; replaces an earlier unconfirmed one (never a confirmed one). */
export async function upsertPendingMfa(
  db: Database,
  values: { userId: string; totpSecret: Uint8Array; totpSecretNonce: Uint8Array; totpSecretKeyId: string },
) {
  const rows = await db
    .insert(userMfa)
    .values(values)
    .onConflictDoUpdate({
      target: userMfa.userId,
      set: { ...values, createdAt: new Date(), lastUsedStep: null },
      setWhere: isNull(userMfa.enabledAt),
    })
    .returning({ userId: userMfa.userId });
  return rows.length > 0;
}

export async function enableMfa(db: Database, userId: string, at: Date) {
  await db.update(userMfa).set({ enabledAt: at }).where(eq(userMfa.userId, userId));
}

export async function deleteUserMfa(db: Database, userId: string) {
  await db.delete(userMfa).where(eq(userMfa.userId, userId));
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
}

/**
 * Claims a TOTP time step for a user: true only when it is later than the last one claimed. A
 * single conditional update, so two requests with the same code cannot both win.
 */
export async function claimTotpStep(db: Database, userId: string, step: number) {
  const rows = await db
    .update(userMfa)
    .set({ lastUsedStep: step })
    .where(and(eq(userMfa.userId, userId), or(isNull(userMfa.lastUsedStep), lt(userMfa.lastUsedStep, step))))
    .returning({ userId: userMfa.userId });
  return rows.length > 0;
}

export async function replaceRecoveryCodes(db: Database, userId: string, codeHashes: string[]) {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  await db.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Marks an unused code used; true when this call used it (so a code works once, even in a race). */
export async function useRecoveryCode(db: Database, userId: string, codeHash: string, at: Date) {
  const rows = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: at })
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  return rows.length > 0;
}

export async function countUnusedRecoveryCodes(db: Database, userId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

export async function insertMfaChallenge(
  db: Database,
  values: { userId: string; tokenHash: string; expiresAt: Date; userAgent?: string | null; ip?: string | null },
  now: Date,
) {
  // Old challenges are swept where new ones are made, so the table stays small; they are kept an
  // hour past their expiry because their guesses count towards the account's limit.
  await db.delete(mfaChallenges).where(lt(mfaChallenges.expiresAt, new Date(now.getTime() - 3600_000)));
  await db.insert(mfaChallenges).values(values);
}

/**
 * Counts one guess at a live challenge and answers it, or null when it is unknown, expired, out
 * of guesses, or its user is out of guesses over all their challenges since `since`. The count and
 * the checks are one statement, so parallel guesses at one challenge cannot exceed its limit (at
 * several challenges at once, the account's limit can be passed by at most the number in flight).
 */
export async function takeMfaChallengeGuess(
  db: Database,
  tokenHash: string,
  now: Date,
  limits: { perChallenge: number; perAccount: number; since: Date },
) {
  const accountGuesses = sql`(SELECT coalesce(sum(c.attempts), 0) FROM mfa_challenges c WHERE c.user_id = ${mfaChallenges.userId} AND c.created_at > ${limits.since.toISOString()}::timestamptz)`;
  const [row] = await db
    .update(mfaChallenges)
    .set({ attempts: sql`${mfaChallenges.attempts} + 1` })
    .where(
      and(
        eq(mfaChallenges.tokenHash, tokenHash),
        gt(mfaChallenges.expiresAt, now),
        lt(mfaChallenges.attempts, limits.perChallenge),
        sql`${accountGuesses} < ${limits.perAccount}`,
      ),
    )
    .returning();
  return row ?? null;
}

/** Guesses made at this user's challenges since `since` (a right code's challenge is gone, so mostly wrong ones). */
export async function recentMfaGuesses(db: Database, userId: string, since: Date) {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${mfaChallenges.attempts}), 0)::int` })
    .from(mfaChallenges)
    .where(and(eq(mfaChallenges.userId, userId), gt(mfaChallenges.createdAt, since)));
  return row?.n ?? 0;
}

export async function deleteMfaChallenge(db: Database, id: string) {
  await db.delete(mfaChallenges).where(eq(mfaChallenges.id, id));
}

/**
 * The name of a team that requires MFA of this user while the user has not turned it on; null
 * otherwise. One query, as it runs on every authenticated request.
 */
export async function teamRequiringMfaEnrolment(db: Database, userId: string) {
  const [row] = await db
    .select({ name: teams.name })
    .from(memberships)
    .innerJoin(teams, eq(teams.id, memberships.teamId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(teams.mfaRequired, true),
        notExists(
          db
            .select()
            .from(userMfa)
            .where(and(eq(userMfa.userId, userId), isNotNull(userMfa.enabledAt))),
        ),
      ),
    )
    .limit(1);
  return row?.name ?? null;
}

/** Every confirmed or pending TOTP secret, for a master key rotation. */
export function listAllSealedTotpSecrets(db: Database) {
  return db.select().from(userMfa);
}

export async function resealTotpSecret(
  db: Database,
  userId: string,
  sealed: { totpSecret: Uint8Array; totpSecretNonce: Uint8Array; totpSecretKeyId: string },
) {
  await db.update(userMfa).set(sealed).where(eq(userMfa.userId, userId));
}
