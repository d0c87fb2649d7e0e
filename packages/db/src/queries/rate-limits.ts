import { lt } from "drizzle-orm";
import type { Database } from "../client.ts";
import { rateLimits } from "../schema/index.ts";

/** Forgets counters whose window has ended (rate-limiter-flexible starts a fresh one on the next use anyway). */
export async function deleteExpiredRateLimits(db: Database, now: Date) {
  await db.delete(rateLimits).where(lt(rateLimits.expire, now));
}
