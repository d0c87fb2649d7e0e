// Limits on password guessing: per account (the email, whatever address it comes from) and
// per client address (whatever accounts it tries). A point is taken from both allowances
// BEFORE the password is verified, in one atomic upsert each, so N parallel guesses give at
// most `perAccount` verifications; a success gives the points back.
//
// The counters live in the control-plane database (table rate_limits, rate-limiter-flexible's
// Drizzle store), so every control plane on the same database counts the same guesses. The
// control plane has no Redis setting of its own (SKYPANEL_ADDON_REDIS_URL is for add-ons), so
// the database is the one shared store.
import type { Database } from "@skypanel/db";
import { deleteExpiredRateLimits } from "@skypanel/db/queries";
import { rateLimits } from "@skypanel/db/schema";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors.ts";

/** Login attempts allowed per window: per account (any address), and per address (any account). */
export const LOGIN_LIMITS = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };
// Ended windows are deleted every this many attempts (the library's own timer is off: it would
// outlive a closed database, e.g. in tests, and warn every five minutes).
const SWEEP_EVERY = 200;

export interface LoginAttempt {
  /** The password was right: the account's failures are forgotten and the address's point given back. */
  succeeded(): Promise<void>;
}

export interface LoginGuard {
  /** Takes a point from the address's and the account's allowance; throws RateLimitedError when either is spent. */
  attempt(email: string, ip: string | null | undefined): Promise<LoginAttempt>;
}

export function createLoginGuard(db: Database, limits = LOGIN_LIMITS): LoginGuard {
  const store = { storeClient: db, schema: rateLimits, duration: limits.windowMs / 1000, clearExpiredByTimeout: false };
  const perAccount = new RateLimiterDrizzle({ ...store, keyPrefix: "login-account", points: limits.perAccount });
  const perAddress = new RateLimiterDrizzle({ ...store, keyPrefix: "login-address", points: limits.perAddress });
  let attempts = 0;

  return {
    async attempt(email, ip) {
      const account = email.trim().toLowerCase().slice(0, 254);
      const address = ip || "unknown";
      if (++attempts % SWEEP_EVERY === 0) await deleteExpiredRateLimits(db, new Date());
      // The address first: an address already refused does not also use up the account's allowance.
      await take(perAddress, address);
      await take(perAccount, account);
      return {
        async succeeded() {
          await perAccount.delete(account);
          await perAddress.reward(address, 1);
        },
      };
    },
  };
}

async function take(limiter: RateLimiterDrizzle, key: string) {
  try {
    await limiter.consume(key, 1);
  } catch (err) {
    // A spent allowance rejects with the counter; anything else (the database) is a real failure.
    if (err instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    throw err;
  }
}
