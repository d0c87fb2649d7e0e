import type { Database } from "@skypanel/db";
import type { AuthCache } from "./auth/auth-cache.ts";
import type { RateLimiter } from "./auth/rate-limit.ts";
import type { OutboundPolicy } from "./net/index.ts";
import type { Keyring } from "./secrets/index.ts";

/** What every engine area is built from; `createEngine` assembles it once. */
export interface EngineDeps {
  db: Database;
  keyring: Keyring;
  limiter: RateLimiter;
  now: () => Date;
  /** Apps answer at `<app>.<baseDomain>`; custom domains may not be it or under it. */
  baseDomain: string;
  /** What requests made for users (git sources, webhooks, drains, imports) may reach. */
  outbound: OutboundPolicy;
  /** Which token is whose, for a few seconds; cleared by every change to sessions, tokens, MFA or memberships. */
  authCache: AuthCache;
}
