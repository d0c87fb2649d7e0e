import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";

// Counters of the login limits, shared by every control plane on this database. The columns
// are the ones rate-limiter-flexible's RateLimiterDrizzle reads and writes: key, points, expire.
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: at("expire"),
});
