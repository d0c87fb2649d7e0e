import { boolean, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";

export const domains = pgTable("domains", {
  id: id(),
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  hostname: text("hostname").notNull(),
  // What the user's DNS should point at (a CNAME target or an address).
  dnsTarget: text("dns_target"),
  dnsStatus: text("dns_status").notNull().default("unchecked"),
  tlsStatus: text("tls_status").notNull().default("none"),
  certExpiresAt: at("cert_expires_at"),
  // Strict-Transport-Security on the domain's HTTPS answers; off until the user turns it on.
  hsts: boolean("hsts").notNull().default(false),
  error: text("error"),
  createdAt: createdAt(),
});

export type Domain = typeof domains.$inferSelect;
