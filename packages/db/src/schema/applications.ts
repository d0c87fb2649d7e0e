import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_columns.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

export const APP_STATUSES = ["idle", "building", "deploying", "running", "crashed", "stopped"] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

export const applications = pgTable("applications", {
  id: id(),
  teamId: uuid("team_id")
    .notNull()
    .references(() => teams.id, { onDelete: "restrict" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  // Detected by the build pipeline; null until the first build.
  stack: text("stack"),
  // The sub-folder of the source the app builds from (monorepos); null: the source's root.
  rootDirectory: text("root_directory"),
  status: text("status", { enum: APP_STATUSES }).notNull().default("idle"),
  currentReleaseId: uuid("current_release_id"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type Application = typeof applications.$inferSelect;
