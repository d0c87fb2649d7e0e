import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Prefixes tell a leaked token's kind at a glance (and let secret scanners find them).
export const SESSION_TOKEN_PREFIX = "sps_";
export const API_TOKEN_PREFIX = "spt_";

export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Tokens are stored only as their SHA-256: they are random, so no salt or slow hash is needed. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
