// Cookies and tokens, shared by the tRPC endpoint and the REST face (the client's address: client-address.ts).
export const SESSION_COOKIE = "skypanel_session";
export const CSRF_COOKIE = "skypanel_csrf";
export const CSRF_HEADER = "x-csrf-token";

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 1) continue;
    const name = part.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed cookie is ignored rather than failing the request.
    }
  }
  return out;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  maxAgeSeconds: number;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "SameSite=Lax", `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`];
  if (o.httpOnly) parts.push("HttpOnly");
  if (o.secure) parts.push("Secure");
  return parts.join("; ");
}

/** The token a request authenticates with: a Bearer header first, then the session cookie. */
/** What reading a request's headers needs: a Fetch `Headers`, or the lighter view over Node's (server.ts). */
export interface HeaderReader {
  get(name: string): string | null;
}

export function requestToken(headers: HeaderReader): { token: string; from: "bearer" | "cookie" } | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    return m?.[1] ? { token: m[1], from: "bearer" } : null;
  }
  const cookie = parseCookies(headers.get("cookie"))[SESSION_COOKIE];
  return cookie ? { token: cookie, from: "cookie" } : null;
}
