// Refused requests in the audit log: a missing or bad token (401), a forbidden action (403),
// and an app that exists but is another team's (404 to the caller, who must not learn it
// exists, but a probe worth recording). Plain 404s of things that do not exist are not kept.
import { appNameTaken, findAppById, insertAuditEvent, isUuid } from "@skypanel/db/queries";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { EngineDeps } from "../deps.ts";
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX } from "./tokens.ts";

/**
 * Rows per client address per minute. A client can be refused as fast as it can send, so
 * without a cap a flood would fill the audit table; past it refusals are counted, not kept.
 * The cap is per process (RateLimiterMemory): each control plane keeps at most this many.
 */
export const REFUSALS_KEPT_PER_MINUTE = 20;

export interface Refusal {
  method: string;
  /** The request's path; the query string is dropped here whatever the caller passed. */
  path: string;
  status: 401 | 403 | 404;
  ip: string | null;
  /** The caller, when the request carried a valid token. */
  userId: string | null;
  /** For a 404: the app the caller asked for; recorded only when such an app exists. */
  app?: string;
  /** The message the caller was given. */
  reason: string;
}

export function createRefusalLog(deps: Pick<EngineDeps, "db">, perMinute = REFUSALS_KEPT_PER_MINUTE) {
  const { db } = deps;
  const cap = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: "refusals" });

  async function appExists(idOrName: string) {
    return isUuid(idOrName) ? Boolean(await findAppById(db, idOrName)) : appNameTaken(db, idOrName);
  }

  return {
    /** Writes the refusal to the audit log; false when it was not kept (not a stranger's 404, or over the cap). */
    async record(r: Refusal): Promise<boolean> {
      const address = r.ip ?? "unknown";
      // Over the cap, a flood of 404s does not even cost a lookup.
      if (((await cap.get(address))?.consumedPoints ?? 0) >= perMinute) return false;
      if (r.status === 404 && !(r.app && (await appExists(r.app)))) return false;
      try {
        await cap.consume(address);
      } catch (err) {
        if (err instanceof RateLimiterRes) return false;
        throw err;
      }
      await insertAuditEvent(db, {
        actorId: r.userId,
        action: "auth.refused",
        targetType: "request",
        details: {
          method: r.method.slice(0, 10),
          path: safePath(r.path),
          status: r.status,
          reason: r.reason.slice(0, 300),
          ...(r.status === 404 && r.app ? { app: r.app.slice(0, 100) } : {}),
        },
        ip: r.ip,
      });
      return true;
    },
  };
}

export type RefusalLog = ReturnType<typeof createRefusalLog>;

/** The path without its query string, tokens that a client put in it masked, and bounded. */
export function safePath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? "";
  return bare
    .split("/")
    .map((part) => (part.startsWith(SESSION_TOKEN_PREFIX) || part.startsWith(API_TOKEN_PREFIX) ? `${part.slice(0, 4)}…` : part))
    .join("/")
    .slice(0, 300);
}
