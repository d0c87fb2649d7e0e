import { jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

/** The engine's egress modes (packages/engine/src/runtime/egress-policy.ts); the table's CHECK holds them too. */
export type AppEgressMode = "deny" | "allow" | "allowlist";

/** One network an allow-list opens: an IPv4 CIDR, on every port (null) or a TCP/UDP port range. */
export interface AppEgressRule {
  cidr: string;
  ports: { from: number; to: number } | null;
}

/** 0026: what an app's instances may reach outside the platform; an app without a row reaches nothing. */
export const appEgress = pgTable("app_egress", {
  appId: uuid("app_id")
    .primaryKey()
    .references(() => applications.id, { onDelete: "cascade" }),
  mode: text("mode").$type<AppEgressMode>().notNull(),
  rules: jsonb("rules").$type<AppEgressRule[]>().notNull().default([]),
  updatedAt: updatedAt(),
});

export type AppEgress = typeof appEgress.$inferSelect;
