import { jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { applications } from "./applications.ts";
import { teams } from "./teams.ts";
import { users } from "./users.ts";

export const IMPORT_ROW_KINDS = ["heroku", "archive", "app-json"] as const;
export const IMPORT_ROW_STATUSES = ["running", "succeeded", "failed", "rolled_back"] as const;

/** One step of an import as stored; the engine's ImportStep narrows `status`. */
export interface ImportStepRow {
  name: string;
  status: string;
  detail: string;
}

/** The platform key's seal of the import's one secret (base64), kept only while it runs. */
export interface SealedImportSecret {
  ciphertext: string;
  nonce: string;
  keyId: string;
}

/** 0014: an app brought in from Heroku, another SkyPanel's export, or a source's app.json. */
export const imports = pgTable("imports", {
  id: id(),
  kind: text("kind", { enum: IMPORT_ROW_KINDS }).notNull(),
  status: text("status", { enum: IMPORT_ROW_STATUSES }).notNull().default("running"),
  appId: uuid("app_id").references(() => applications.id, { onDelete: "set null" }),
  appName: text("app_name").notNull(),
  teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
  source: text("source").notNull(),
  options: jsonb("options").$type<Record<string, unknown>>().notNull().default({}),
  plan: jsonb("plan").$type<Record<string, unknown>>(),
  steps: jsonb("steps").$type<ImportStepRow[]>().notNull().default([]),
  made: jsonb("made").$type<Record<string, unknown>>().notNull().default({}),
  dns: jsonb("dns").$type<{ hostname: string; type: "CNAME" | "A"; target: string }[]>().notNull().default([]),
  url: text("url"),
  error: text("error"),
  secret: jsonb("secret").$type<SealedImportSecret>(),
  jobId: uuid("job_id"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  finishedAt: at("finished_at"),
});

export type Import = typeof imports.$inferSelect;
