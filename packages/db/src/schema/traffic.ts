import { bigint, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

/** The WAF's modes (packages/engine/src/traffic/policy.ts); the table's CHECK holds them too. */
export type AppWafMode = "off" | "detect" | "block";

/** 0025: an app's traffic protection at the router; no row, or a null limit, means unlimited. */
export const appTrafficPolicies = pgTable("app_traffic_policies", {
  appId: uuid("app_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  /** Sustained requests per minute per client address. */
  requestsPerMinute: integer("requests_per_minute"),
  /** Requests a client address may send at once; null: as many as requestsPerMinute. */
  burst: integer("burst"),
  /** Requests in flight per client address. */
  maxConcurrentRequests: integer("max_concurrent_requests"),
  /** Larger request bodies are refused with 413. */
  maxBodyBytes: bigint("max_body_bytes", { mode: "number" }),
  wafMode: text("waf_mode").$type<AppWafMode>().notNull().default("off"),
  updatedAt: updatedAt(),
});

export type AppTrafficPolicy = typeof appTrafficPolicies.$inferSelect;
