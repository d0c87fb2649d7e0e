import { randomBytes } from "node:crypto";
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
  touchSession,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, InvalidCredentialsError, RateLimitedError, ValidationError } from "../errors.ts";
import { type PublicUser, toPublicUser } from "../users/index.ts";
import { verifyPassword } from "./passwords.ts";
import { API_TOKEN_PREFIX, hashToken, newToken, SESSION_TOKEN_PREFIX } from "./tokens.ts";

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
// A session's expiry slides forward on use, but at most this often, to keep reads cheap.
const SESSION_TOUCH_MS = 5 * 60_000;

/** Failed logins allowed per window: per email from one address, and per address overall. */
export const LOGIN_LIMITS = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

export interface Authenticated {
  user: PublicUser;
  via: "session" | "api_token";
  /** For sessions: the token the browser must echo in `x-csrf-token` on every change. */
  csrfToken: string | null;
}

export interface LoginResult {
  user: PublicUser;
  /** The session token: the cookie's value, and usable as a Bearer token. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export function createAuth(deps: EngineDeps) {
  const { db, limiter, now } = deps;

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
    return { user, token, csrfToken, expiresAt };
  }

  return {
    startSession,

    async login(email: string, password: string, meta: ClientMeta): Promise<LoginResult> {
      const accountKey = `login:${email.trim().toLowerCase()}:${meta.ip ?? "-"}`;
      const addressKey = `login-ip:${meta.ip ?? "-"}`;
      for (const [key, limit] of [
        [accountKey, LOGIN_LIMITS.perAccount],
        [addressKey, LOGIN_LIMITS.perAddress],
      ] as const) {
        const { blocked, retryAfterSeconds } = await limiter.check(key, limit, LOGIN_LIMITS.windowMs);
        if (blocked) throw new RateLimitedError(retryAfterSeconds);
      }
      const user = await findUserByEmail(db, email.trim());
      if (!(await verifyPassword(user?.passwordHash ?? null, password)) || !user) {
        await limiter.record(accountKey, LOGIN_LIMITS.windowMs);
        await limiter.record(addressKey, LOGIN_LIMITS.windowMs);
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
      await limiter.reset(accountKey);
      await insertAuditEvent(db, { actorId: user.id, action: "auth.login", targetType: "user", targetId: user.id, ip: meta.ip ?? null });
      return startSession(toPublicUser(user), meta);
    },

    async logout(token: string) {
      await deleteSessionByHash(db, hashToken(token));
    },

    /** Resolves a session or API token to its user; null when unknown or expired. */
    async authenticate(token: string): Promise<Authenticated | null> {
      const t = now();
      if (token.startsWith(SESSION_TOKEN_PREFIX)) {
        const found = await findLiveSession(db, hashToken(token), t);
        if (!found) return null;
        if (t.getTime() - found.session.lastSeenAt.getTime() > SESSION_TOUCH_MS) {
          await touchSession(db, found.session.id, t, new Date(t.getTime() + SESSION_TTL_MS));
        }
        return { user: toPublicUser(found.user), via: "session", csrfToken: found.session.csrfToken };
      }
      if (token.startsWith(API_TOKEN_PREFIX)) {
        const found = await findLiveApiToken(db, hashToken(token), t);
        if (!found) return null;
        await markApiTokenUsed(db, found.token.id, t);
        return { user: toPublicUser(found.user), via: "api_token", csrfToken: null };
      }
      return null;
    },

    tokens: {
      /** A new API token; the raw token is returned this once and never stored. */
      async create(actor: Actor, input: { name: string; expiresInDays?: number | null }) {
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
            expiresAt: days ? new Date(now().getTime() + days * 86_400_000) : null,
          }),
        );
        return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, expiresAt: row.expiresAt, token };
      },
      list: (actor: Actor) => listApiTokens(db, actor.userId),
      async revoke(actor: Actor, id: string) {
        const gone = isUuid(id) && (await withActor(db, actor, (tx) => deleteApiToken(tx, actor.userId, id)));
        if (!gone) throw new EngineError("NOT_FOUND", `You have no API token with id "${id}".`);
      },
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
