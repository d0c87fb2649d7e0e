import { type Authenticated, type Engine, sameSecret } from "@skypanel/engine";
import type { BffConfig } from "./config.ts";
import { CSRF_COOKIE, CSRF_HEADER, type HeaderReader, requestToken, SESSION_COOKIE, serializeCookie } from "./http.ts";

export interface RequestFacts {
  headers: HeaderReader;
  /** The client's address: the rightmost hop that is not a trusted proxy (client-address.ts). */
  ip: string | null;
  https: boolean;
  /** The HTTP request, for the audit log's refusals; absent for in-process callers. */
  method?: string;
  path?: string;
}

export interface Context {
  engine: Engine;
  config: BffConfig;
  auth: Authenticated | null;
  /** The raw token the request carried, for logout. */
  token: string | null;
  /**
   * False when a cookie-authenticated request lacks the CSRF header. Bearer tokens cannot be
   * sent by another site's page, so they need none.
   */
  csrfOk: boolean;
  ip: string | null;
  userAgent: string | null;
  /**
   * The HTTP method and path (no query string) the call came in on; null in-process. `refused`
   * is set once a refusal is audited, so a REST call made of two procedures writes one row.
   */
  request: { method: string; path: string; refused?: boolean } | null;
  /** Appends Set-Cookie headers to the response. */
  setSession(token: string, csrfToken: string, expiresAt: Date): void;
  clearSession(): void;
}

export async function createContext(engine: Engine, config: BffConfig, req: RequestFacts, resHeaders: Headers): Promise<Context> {
  const presented = requestToken(req.headers);
  const auth = presented ? await engine.auth.authenticate(presented.token) : null;
  const sentCsrf = req.headers.get(CSRF_HEADER) ?? "";
  const csrfOk =
    !auth || presented?.from === "bearer" || (auth.csrfToken !== null && sentCsrf !== "" && sameSecret(sentCsrf, auth.csrfToken));
  const secure = config.secureCookies || req.https;
  return {
    engine,
    config,
    auth,
    token: presented?.token ?? null,
    csrfOk,
    ip: req.ip,
    userAgent: req.headers.get("user-agent"),
    request: req.method && req.path ? { method: req.method, path: req.path } : null,
    setSession(token, csrfToken, expiresAt) {
      const maxAgeSeconds = (expiresAt.getTime() - Date.now()) / 1000;
      resHeaders.append("set-cookie", serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure, maxAgeSeconds }));
      // Readable by the dashboard's script, which echoes it in the x-csrf-token header.
      resHeaders.append("set-cookie", serializeCookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure, maxAgeSeconds }));
    },
    clearSession() {
      resHeaders.append("set-cookie", serializeCookie(SESSION_COOKIE, "", { httpOnly: true, secure, maxAgeSeconds: 0 }));
      resHeaders.append("set-cookie", serializeCookie(CSRF_COOKIE, "", { httpOnly: false, secure, maxAgeSeconds: 0 }));
    },
  };
}
