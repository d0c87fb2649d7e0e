// A short-lived memory of which token is whose. Every API request authenticates, and reading the
// session (or API token) and the team MFA rule costs two statements, more than the list the
// request came for (BENCHMARKS.md "API"). Entries live a few seconds and are dropped at once by
// this process on every change that could alter an answer: logout, a session or token revoked,
// MFA turned on or off, a team's MFA rule or membership changed. Another control plane on the
// same database learns of such a change only when its own entry expires (at most `ttlMs`).
import type { Authenticated } from "./service.ts";

/** How long a remembered answer is trusted (ms); see the header for why it is short. */
export const AUTH_CACHE_TTL_MS = 5_000;
/** Enough for every active client of a large platform; beyond it the oldest are dropped first. */
const MAX_ENTRIES = 10_000;

export interface AuthCache {
  get(tokenHash: string): Authenticated | null;
  /** `validUntil`: the session's or token's own expiry, if sooner than the TTL. */
  set(tokenHash: string, value: Authenticated, validUntil: Date | null): void;
  /** Forgets everything: called on every change that could make a remembered answer wrong. */
  clear(): void;
}

export function createAuthCache(now: () => Date, ttlMs = AUTH_CACHE_TTL_MS): AuthCache {
  const entries = new Map<string, { value: Authenticated; until: number }>();
  return {
    get(tokenHash) {
      const hit = entries.get(tokenHash);
      if (!hit) return null;
      if (hit.until <= now().getTime()) {
        entries.delete(tokenHash);
        return null;
      }
      return hit.value;
    },
    set(tokenHash, value, validUntil) {
      if (ttlMs <= 0) return;
      const t = now().getTime();
      const until = Math.min(t + ttlMs, validUntil ? validUntil.getTime() : Number.POSITIVE_INFINITY);
      if (until <= t) return;
      // Maps iterate in insertion order: the first key is the oldest entry.
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(tokenHash, { value, until });
    },
    clear() {
      entries.clear();
    },
  };
}
