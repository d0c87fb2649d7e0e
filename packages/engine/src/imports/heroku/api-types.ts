// What the importer reads from Heroku: the Platform API v3 (api.heroku.com) and the Heroku
// Postgres data API (postgres-api.heroku.com), only the fields it uses. Answers are checked
// against these schemas, so a changed or foreign answer fails with a message, not a TypeError
// three steps later. Unknown fields are dropped.
import { z } from "zod";

const named = z.object({ name: z.string() });

export const herokuAppSchema = z.object({
  id: z.string(),
  name: z.string(),
  stack: named,
  region: named.nullable().optional(),
  updated_at: z.string(),
  web_url: z.string().nullable().optional(),
});

export const herokuBuildpackInstallationSchema = z.object({
  ordinal: z.number(),
  buildpack: z.object({ url: z.string(), name: z.string().nullable().optional() }),
});

export const herokuFormationSchema = z.object({
  type: z.string(),
  quantity: z.number(),
  size: z.string(),
  command: z.string().nullable().optional(),
});

/** Config vars: key → value. A null value is Heroku's way of saying "unset". */
export const herokuConfigVarsSchema = z.record(z.string(), z.string().nullable());

export const herokuAddonSchema = z.object({
  id: z.string(),
  name: z.string(),
  addon_service: named,
  plan: named,
  /** The vars the add-on sets on the app that owns it, e.g. ["DATABASE_URL"]. */
  config_vars: z.array(z.string()),
});

export const herokuAddonAttachmentSchema = z.object({
  /** The attachment's name: its config vars are `<NAME>_URL` and the like. */
  name: z.string(),
  addon: z.object({ id: z.string(), name: z.string() }),
  app: named,
});

export const herokuDomainSchema = z.object({
  hostname: z.string(),
  kind: z.enum(["heroku", "custom"]),
  cname: z.string().nullable().optional(),
  /** A certificate uploaded by hand (not ACM) serves this domain. */
  sni_endpoint: z.object({ name: z.string() }).nullable().optional(),
});

export const herokuReleaseSchema = z.object({
  id: z.string(),
  version: z.number(),
  current: z.boolean(),
  status: z.string(),
  slug: z.object({ id: z.string() }).nullable(),
  description: z.string(),
});

export const herokuSlugSchema = z.object({
  id: z.string(),
  /** Pre-signed: fetched with no Authorization header, possibly from another host. */
  blob: z.object({ method: z.string(), url: z.string() }),
  process_types: z.record(z.string(), z.string()).nullable(),
  stack: named,
  size: z.number().nullable(),
  commit: z.string().nullable(),
});

/** A Heroku Postgres transfer: a backup is one from `pg_dump` to `gof3r` (their S3 uploader). */
export const herokuTransferSchema = z.object({
  uuid: z.string(),
  num: z.number(),
  from_name: z.string().nullable(),
  from_type: z.string(),
  to_type: z.string(),
  succeeded: z.boolean().nullable(),
  finished_at: z.string().nullable(),
  created_at: z.string(),
});

export const herokuBackupUrlSchema = z.object({ url: z.string(), expires_at: z.string() });

/** Heroku's error body: `{"id": "not_found", "message": "Couldn't find that app."}`. */
export const herokuErrorBodySchema = z.object({ id: z.string(), message: z.string() });

export type HerokuApp = z.infer<typeof herokuAppSchema>;
export type HerokuBuildpackInstallation = z.infer<typeof herokuBuildpackInstallationSchema>;
export type HerokuFormation = z.infer<typeof herokuFormationSchema>;
export type HerokuConfigVars = z.infer<typeof herokuConfigVarsSchema>;
export type HerokuAddon = z.infer<typeof herokuAddonSchema>;
export type HerokuAddonAttachment = z.infer<typeof herokuAddonAttachmentSchema>;
export type HerokuDomain = z.infer<typeof herokuDomainSchema>;
export type HerokuRelease = z.infer<typeof herokuReleaseSchema>;
export type HerokuSlug = z.infer<typeof herokuSlugSchema>;
export type HerokuTransfer = z.infer<typeof herokuTransferSchema>;
export type HerokuBackupUrl = z.infer<typeof herokuBackupUrlSchema>;
export type HerokuErrorBody = z.infer<typeof herokuErrorBodySchema>;
