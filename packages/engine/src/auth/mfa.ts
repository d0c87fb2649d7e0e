// TOTP multi-factor: enrol (a sealed secret), confirm with a code, recovery codes, disable.
// The sign-in step that asks for a code is in mfa-login.ts; both check codes through `verifySecondFactor`.
import type { Database, UserMfa } from "@skypanel/db";
import {
  claimTotpStep,
  countUnusedRecoveryCodes,
  deleteUserMfa,
  enableMfa,
  findUserById,
  findUserMfa,
  insertAuditEvent,
  listAllSealedTotpSecrets,
  replaceRecoveryCodes,
  resealTotpSecret,
  upsertPendingMfa,
  useRecoveryCode,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import { open, seal } from "../secrets/index.ts";
import type { Keyring } from "../secrets/keyring.ts";
import type { LoginGuard } from "./login-guard.ts";
import { verifyPassword } from "./passwords.ts";
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes } from "./recovery-codes.ts";
import { matchTotp, newTotpSecret, totpUri } from "./totp.ts";

export class InvalidMfaCodeError extends EngineError {
  constructor(message = "That code is not right (or was already used). Enter the current code from your authenticator app.") {
    super("UNAUTHORIZED", message);
  }
}

const sealContext = (userId: string) => `totp:${userId}`;

export function sealTotpSecret(keyring: Keyring, userId: string, secret: string) {
  const s = seal(keyring, secret, sealContext(userId));
  return { totpSecret: s.ciphertext, totpSecretNonce: s.nonce, totpSecretKeyId: s.keyId };
}

export function openTotpSecret(keyring: Keyring, row: UserMfa): string {
  return open(keyring, { ciphertext: row.totpSecret, nonce: row.totpSecretNonce, keyId: row.totpSecretKeyId }, sealContext(row.userId));
}

/** For a master key rotation: every TOTP secret sealed again under `keyId`, so the old key can go. */
export async function resealTotpSecrets(db: Database, keyring: Keyring, keyId: string): Promise<number> {
  let n = 0;
  for (const row of await listAllSealedTotpSecrets(db)) {
    if (row.totpSecretKeyId === keyId) continue;
    await resealTotpSecret(db, row.userId, sealTotpSecret(keyring, row.userId, openTotpSecret(keyring, row)));
    n++;
  }
  return n;
}

export type SecondFactor = { kind: "totp" } | { kind: "recovery"; remaining: number };

/** `loginGuard`: turning MFA off checks the password, so it spends the same allowance a login does. */
export function createMfa(deps: EngineDeps, loginGuard: LoginGuard) {
  const { db, keyring, now } = deps;

  async function audit(userId: string, action: string, ip?: string | null, details: Record<string, unknown> = {}) {
    await insertAuditEvent(db, { actorId: userId, action, targetType: "user", targetId: userId, details, ip: ip ?? null });
  }

  /**
   * Checks a TOTP code (one step either side; a step already used is a replay) or an unused
   * recovery code, which it uses up. Null when neither fits.
   */
  async function verifySecondFactor(row: UserMfa, code: string, ip?: string | null): Promise<SecondFactor | null> {
    const typed = code.replace(/\s/g, "");
    const step = matchTotp(openTotpSecret(keyring, row), typed, now().getTime());
    if (step !== null) return (await claimTotpStep(db, row.userId, step)) ? { kind: "totp" } : null;
    if (row.enabledAt && looksLikeRecoveryCode(typed) && (await useRecoveryCode(db, row.userId, hashRecoveryCode(typed), now()))) {
      const remaining = await countUnusedRecoveryCodes(db, row.userId);
      await audit(row.userId, "auth.mfa_recovery_code_used", ip, { remaining });
      return { kind: "recovery", remaining };
    }
    return null;
  }

  async function enabledRow(userId: string) {
    const row = await findUserMfa(db, userId);
    if (!row?.enabledAt) throw new EngineError("PRECONDITION_FAILED", "Multi-factor sign-in is not on for your account.");
    return row;
  }

  /** Checks a code for a signed-in user's change (disable, new recovery codes); a wrong one is audited. */
  async function requireCode(actor: Actor, row: UserMfa, code: string) {
    const ok = await verifySecondFactor(row, code, actor.ip);
    if (!ok) {
      await audit(actor.userId, "auth.mfa_failed", actor.ip, { during: "account change" });
      throw new InvalidMfaCodeError();
    }
  }

  async function freshRecoveryCodes(actor: Actor) {
    const { codes, hashes } = newRecoveryCodes();
    await withActor(db, actor, (tx) => replaceRecoveryCodes(tx, actor.userId, hashes));
    return codes;
  }

  return {
    verifySecondFactor,
    audit,

    async status(actor: Actor) {
      const row = await findUserMfa(db, actor.userId);
      return {
        enabled: Boolean(row?.enabledAt),
        enabledAt: row?.enabledAt ?? null,
        recoveryCodesLeft: row?.enabledAt ? await countUnusedRecoveryCodes(db, actor.userId) : 0,
      };
    },

    /** A new secret to add to an authenticator app; sign-in is unchanged until `confirm`. */
    async enrol(actor: Actor) {
      const user = await findUserById(db, actor.userId);
      if (!user) throw new EngineError("NOT_FOUND", "Your account no longer exists.");
      const secret = newTotpSecret();
      const stored = await upsertPendingMfa(db, { userId: actor.userId, ...sealTotpSecret(keyring, actor.userId, secret) });
      if (!stored) throw new EngineError("CONFLICT", "Multi-factor sign-in is already on; turn it off first to enrol a new authenticator.");
      return { secret, uri: totpUri(secret, user.email) };
    },

    /** Turns MFA on once the app shows a right code; answers the recovery codes, shown this once. */
    async confirm(actor: Actor, code: string) {
      const row = await findUserMfa(db, actor.userId);
      if (!row) throw new EngineError("PRECONDITION_FAILED", "Start enrolment first: there is no authenticator waiting to be confirmed.");
      if (row.enabledAt) throw new EngineError("CONFLICT", "Multi-factor sign-in is already on.");
      const step = matchTotp(openTotpSecret(keyring, row), code.replace(/\s/g, ""), now().getTime());
      if (step === null || !(await claimTotpStep(db, actor.userId, step))) {
        await audit(actor.userId, "auth.mfa_failed", actor.ip, { during: "enrolment" });
        throw new InvalidMfaCodeError("That code does not match the new authenticator. Check the device's clock and try the current code.");
      }
      // On, and its recovery codes, together or not at all.
      const { codes: recoveryCodes, hashes } = newRecoveryCodes();
      await withActor(db, actor, async (tx) => {
        await enableMfa(tx, actor.userId, now());
        await replaceRecoveryCodes(tx, actor.userId, hashes);
      });
      deps.authCache.clear();
      await audit(actor.userId, "auth.mfa_enrolled", actor.ip);
      return { enabled: true as const, recoveryCodes };
    },

    /** Needs the password and a current code (or a recovery code), so a stolen session alone cannot turn it off. */
    async disable(actor: Actor, input: { password: string; code: string }) {
      const row = await enabledRow(actor.userId);
      const user = await findUserById(db, actor.userId);
      const attempt = await loginGuard.attempt(user?.email ?? actor.userId, actor.ip);
      if (!(await verifyPassword(user?.passwordHash ?? null, input.password))) {
        await audit(actor.userId, "auth.mfa_failed", actor.ip, { during: "disable", reason: "wrong password" });
        throw new EngineError("UNAUTHORIZED", "Wrong password.");
      }
      await attempt.succeeded();
      await requireCode(actor, row, input.code);
      await withActor(db, actor, (tx) => deleteUserMfa(tx, actor.userId));
      deps.authCache.clear();
      await audit(actor.userId, "auth.mfa_disabled", actor.ip);
      return { enabled: false as const };
    },

    /** A new set of recovery codes; the old ones stop working. */
    async regenerateRecoveryCodes(actor: Actor, code: string) {
      if (!code.trim()) throw new ValidationError("Enter a current code from your authenticator app.");
      await requireCode(actor, await enabledRow(actor.userId), code);
      const recoveryCodes = await freshRecoveryCodes(actor);
      await audit(actor.userId, "auth.mfa_recovery_codes_regenerated", actor.ip);
      return { recoveryCodes };
    },
  };
}

export type Mfa = ReturnType<typeof createMfa>;
