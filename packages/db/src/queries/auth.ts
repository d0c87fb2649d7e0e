import { and, desc, eq, gt, isNull, lt, ne, or } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type ApiTokenScope, apiTokens, sessions, users } from "../schema/index.ts";

export async function insertSession(
  db: Database,
  values: { userId: string; tokenHash: string; csrfToken: string; expiresAt: Date; userAgent?: string | null; ip?: string | null },
) {
  const [row] = await db.insert(sessions).values(values).returning();
  if (!row) throw new Error("insert into sessions returned nothing");
  return row;
}

/** A live session and its user, by token hash. */
export async function findLiveSession(db: Database, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  return row ?? null;
}

export async function touchSession(db: Database, id: string, now: Date, expiresAt: Date) {
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
}

export async function deleteSessionByHash(db: Database, tokenHash: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteExpiredSessions(db: Database, now: Date) {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function insertApiToken(
  db: Database,
  values: { userId: string; name: string; tokenHash: string; prefix: string; scope: ApiTokenScope; expiresAt?: Date | null },
) {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error("insert into api_tokens returned nothing");
  return row;
}

export async function findLiveApiToken(db: Database, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  return row ?? null;
}

export async function markApiTokenUsed(db: Database, id: string, now: Date) {
  // Only once a minute, so a busy script does not turn every request into a write.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000)))));
}

export async function listApiTokens(db: Database, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scope: apiTokens.scope,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

export async function deleteApiToken(db: Database, userId: string, id: string) {
  const rows = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** A user's live sessions, newest first; the token hash tells the engine which is the caller's own. */
export async function listLiveSessions(db: Database, userId: string, now: Date) {
  return db
    .select({
      id: sessions.id,
      tokenHash: sessions.tokenHash,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
}

export async function deleteSession(db: Database, userId: string, id: string) {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the user but the one with `keepTokenHash` (null: all of them); answers how many. */
export async function deleteOtherSessions(db: Database, userId: string, keepTokenHash: string | null) {
  const mine = eq(sessions.userId, userId);
  const rows = await db
    .delete(sessions)
    .where(keepTokenHash ? and(mine, ne(sessions.tokenHash, keepTokenHash)) : mine)
    .returning({ id: sessions.id });
  return rows.length;
}
