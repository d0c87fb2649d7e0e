import { randomBytes } from "node:crypto";
import { API_TOKEN_SCOPES, type ApiTokenScope } from "@skypanel/db";
import {
  deleteApiToken,
  deleteExpiredSessions,
  deleteSessionByHash,
  findLiveApiToken,
  findLiveSession,
  findUserByEmail,
  insertApiToken,
  insertAuditEvent,
  insertSession,
  isUuid,
  listApiTokens,
  markApiTokenUsed,
  teamRequiringMfaEnrolment,
  touchSession,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, InvalidCredentialsError, ValidationError } from "../errors.ts";
import { type PublicUser, toPublicUser } from "../users/index.ts";
import { createLoginGuard } from "./login-guard.ts";
import { createMfa } from "./mfa.ts";
import { createMfaLogin, type MfaChallenge } from "./mfa-login.ts";
import { verifyPassword } from "./passwords.ts";
import { createRefusalLog } from "./refusals.ts";
import { createSessions } from "./sessions.ts";
import { API_TOKEN_PREFIX, hashToken, newToken, SESSION_TOKEN_PREFIX } from "./tokens.ts";

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
// A session's expiry slides forward on use, but at most this often, to keep reads cheap.
const SESSION_TOUCH_MS = 5 * 60_000;

export { LOGIN_LIMITS } from "./login-guard.ts";

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export interface Authenticated {
  user: PublicUser;
  via: "session" | "api_token";
  /** For sessions: the token the browser must echo in `x-csrf-token` on every change. */
  csrfToken: string | null;
  /** What an API token may do (the BFF's scopes.ts); null for a session, which is unscoped. */
  scope: ApiTokenScope | null;
  /** A team that requires MFA of this user, who has not turned it on: every call but enrolment is refused. */
  mfaEnrolmentRequiredBy: string | null;
}

export interface LoginResult {
  mfaRequired: false;
  user: PublicUser;
  /** The session token: the cookie's value, and usable as a Bearer token. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export function createAuth(deps: EngineDeps) {
  const { db, now } = deps;
  const loginGuard = createLoginGuard(db);
  const mfa = createMfa(deps, loginGuard);
  const mfaLogin = createMfaLogin(deps, mfa);

  async function startSession(user: PublicUser, meta: ClientMeta): Promise<LoginResult> {
    // Expired sessions are swept here, where new ones are made, so the table stays small.
    await deleteExpiredSessions(db, now());
    const token = newToken(SESSION_TOKEN_PREFIX);
    const csrfToken = randomBytes(24).toString("base64url");
    const expiresAt = new Date(now().getTime() + SESSION_TTL_MS);
    await insertSession(db, {
      userId: user.id,
      tokenHash: hashToken(token),
      csrfToken,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
      ip: meta.ip ?? null,
    });
    return { mfaRequired: false, user, token, csrfToken, expiresAt };
  }

  async function loggedIn(user: PublicUser, meta: ClientMeta, details: Record<string, unknown> = {}) {
    await insertAuditEvent(db, {
      actorId: user.id,
      action: "auth.login",
      targetType: "user",
      targetId: user.id,
      details,
      ip: meta.ip ?? null,
    });
    return startSession(user, meta);
  }

  return {
    startSession,

    /** A session, or (for a user with MFA) a challenge to complete with `loginWithCode`. */
    async login(email: string, password: string, meta: ClientMeta): Promise<LoginResult | MfaChallenge> {
      // Spends a point before the password is verified (login-guard.ts); throws when the allowance is gone.
      const attempt = await loginGuard.attempt(email, meta.ip);
      const user = await findUserByEmail(db, email.trim());
      if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
        await insertAuditEvent(db, {
          actorId: user?.id ?? null,
          action: "auth.login_failed",
          targetType: "user",
          targetId: user?.id ?? null,
          details: { email: email.slice(0, 254) },
          ip: meta.ip ?? null,
        });
        throw new InvalidCredentialsError();
      }
      await attempt.succeeded();
      // A right password for a user with MFA earns a short-lived challenge, not a session (mfa-login.ts).
      if (await mfaLogin.required(user.id)) return mfaLogin.challenge(user.id, meta);
      return loggedIn(toPublicUser(user), meta);
    },

    /** The second step for a user with MFA: the challenge `login` answered and a TOTP or recovery code. */
    async loginWithCode(challenge: string, code: string, meta: ClientMeta): Promise<LoginResult> {
      const user = await mfaLogin.complete(challenge, code, meta);
      return loggedIn(user, meta, { mfa: true });
    },

    /** Enrolling, confirming and turning off TOTP, and recovery codes (mfa.ts). */
    mfa: {
      status: mfa.status,
      enrol: mfa.enrol,
      confirm: mfa.confirm,
      disable: mfa.disable,
      regenerateRecoveryCodes: mfa.regenerateRecoveryCodes,
    },

    async logout(token: string) {
      await deleteSessionByHash(db, hashToken(token));
      deps.authCache.clear();
    },

    /** Resolves a session or API token to its user; null when unknown or expired. */
    async authenticate(token: string): Promise<Authenticated | null> {
      const tokenHash = hashToken(token);
      const remembered = deps.authCache.get(tokenHash);
      if (remembered) return remembered;
      const t = now();
      if (token.startsWith(SESSION_TOKEN_PREFIX)) {
        const found = await findLiveSession(db, tokenHash, t);
        if (!found) return null;
        if (t.getTime() - found.session.lastSeenAt.getTime() > SESSION_TOUCH_MS) {
          await touchSession(db, found.session.id, t, new Date(t.getTime() + SESSION_TTL_MS));
        }
        const auth: Authenticated = {
          user: toPublicUser(found.user),
          via: "session",
          csrfToken: found.session.csrfToken,
          scope: null,
          mfaEnrolmentRequiredBy: await teamRequiringMfaEnrolment(db, found.user.id),
        };
        deps.authCache.set(tokenHash, auth, found.session.expiresAt);
        return auth;
      }
      if (token.startsWith(API_TOKEN_PREFIX)) {
        const found = await findLiveApiToken(db, tokenHash, t);
        if (!found) return null;
        // "Last used" is as fine as the memory's few seconds: marked when the token is read.
        await markApiTokenUsed(db, found.token.id, t);
        const auth: Authenticated = {
          user: toPublicUser(found.user),
          via: "api_token",
          csrfToken: null,
          scope: found.token.scope,
          mfaEnrolmentRequiredBy: await teamRequiringMfaEnrolment(db, found.user.id),
        };
        deps.authCache.set(tokenHash, auth, found.token.expiresAt);
        return auth;
      }
      return null;
    },

    sessions: createSessions(deps),
    /** 401s, 403s and strangers' 404s in the audit log, capped per address (refusals.ts). */
    refusals: createRefusalLog(deps),

    tokens: {
      /** A new API token; the raw token is returned this once and never stored. */
      async create(actor: Actor, input: { name: string; expiresInDays?: number | null; scope?: string }) {
        // `read` unless asked: a token made without thought should not be able to deploy or delete.
        const scope = (input.scope ?? "read") as ApiTokenScope;
        if (!API_TOKEN_SCOPES.includes(scope)) throw new ValidationError(`A token's scope is one of ${API_TOKEN_SCOPES.join(", ")}.`);
        const name = input.name.trim();
        if (!name || name.length > 100) throw new ValidationError("A token name is 1 to 100 characters.");
        const days = input.expiresInDays;
        if (days != null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
          throw new ValidationError("expiresInDays must be a whole number from 1 to 3650.");
        }
        const token = newToken(API_TOKEN_PREFIX);
        const row = await withActor(db, actor, (tx) =>
          insertApiToken(tx, {
            userId: actor.userId,
            name,
            tokenHash: hashToken(token),
            prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
            scope,
            expiresAt: days ? new Date(now().getTime() + days * 86_400_000) : null,
          }),
        );
        return {
          id: row.id,
          name: row.name,
          prefix: row.prefix,
          scope: row.scope,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
          token,
        };
      },
      list: (actor: Actor) => listApiTokens(db, actor.userId),
      async revoke(actor: Actor, id: string) {
        const gone = isUuid(id) && (await withActor(db, actor, (tx) => deleteApiToken(tx, actor.userId, id)));
        deps.authCache.clear();
        if (!gone) throw new EngineError("NOT_FOUND", `You have no API token with id "${id}".`);
      },
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
