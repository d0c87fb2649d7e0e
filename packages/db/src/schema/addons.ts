import { jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_columns.ts";
import { applications } from "./applications.ts";

export const addons = pgTable("addons", {
  id: id(),
  // The app that owns the add-on; attachments to other apps come with the add-ons issue.
  appId: uuid("app_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  type: text("type").notNull(),
  plan: text("plan").notNull(),
  status: text("status").notNull().default("provisioning"),
  // Non-secret facts (server, database name). Credentials live in env_vars, encrypted.
  details: jsonb("details").notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Addon = typeof addons.$inferSelect;
