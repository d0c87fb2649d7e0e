// A user's own sessions (logged-in browsers and CLIs): listed, and ended one by one or all
// but the current one, e.g. after a laptop is lost.
import { deleteOtherSessions, deleteSession, insertAuditEvent, isUuid, listLiveSessions, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError } from "../errors.ts";
import { hashToken } from "./tokens.ts";

export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The session the request itself was made with. */
  current: boolean;
}

export function createSessions(deps: EngineDeps) {
  const { db, now } = deps;
  return {
    /** `currentToken`: the token the request carried, to mark its own session (an API token marks none). */
    async list(actor: Actor, currentToken: string | null): Promise<SessionInfo[]> {
      const currentHash = currentToken ? hashToken(currentToken) : null;
      const rows = await listLiveSessions(db, actor.userId, now());
      return rows.map(({ tokenHash, ...row }) => ({ ...row, current: tokenHash === currentHash }));
    },

    async revoke(actor: Actor, id: string) {
      const gone =
        isUuid(id) &&
        (await withActor(db, actor, async (tx) => {
          if (!(await deleteSession(tx, actor.userId, id))) return false;
          await insertAuditEvent(tx, {
            actorId: actor.userId,
            action: "auth.session_revoked",
            targetType: "session",
            targetId: id,
            ip: actor.ip ?? null,
          });
          return true;
        }));
      deps.authCache.clear();
      if (!gone) throw new EngineError("NOT_FOUND", `You have no session with id "${id}".`);
    },

    /** Ends every session of the actor's but the one `currentToken` belongs to; answers how many ended. */
    async revokeOthers(actor: Actor, currentToken: string | null) {
      const keep = currentToken ? hashToken(currentToken) : null;
      const revoked = await withActor(db, actor, async (tx) => {
        const n = await deleteOtherSessions(tx, actor.userId, keep);
        if (n > 0) {
          await insertAuditEvent(tx, {
            actorId: actor.userId,
            action: "auth.sessions_revoked",
            targetType: "user",
            targetId: actor.userId,
            details: { count: n },
            ip: actor.ip ?? null,
          });
        }
        return n;
      });
      deps.authCache.clear();
      return { revoked };
    },
  };
}
