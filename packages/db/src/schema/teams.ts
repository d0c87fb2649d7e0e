import { boolean, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_columns.ts";
import { users } from "./users.ts";

export const TEAM_ROLES = ["owner", "admin", "member", "viewer"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const teams = pgTable("teams", {
  id: id(),
  name: text("name").notNull(),
  // A personal team is created with every user so each user can own apps alone.
  personal: boolean("personal").notNull().default(false),
  // 0024: deploys of builds with critical vulnerability findings need an override reason.
  blockCriticalDeploys: boolean("block_critical_deploys").notNull().default(false),
  // 0021: members must sign in with a second factor (they are sent to enrol first).
  mfaRequired: boolean("mfa_required").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: TEAM_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

export type Team = typeof teams.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
