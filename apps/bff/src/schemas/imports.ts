// Imports (Heroku, app.json setups, SkyPanel exports): what starting one takes, and what the API
// shows of the plan and of the import. Tokens and passphrases come in; nothing shows them again.
import { IMPORT_KINDS, IMPORT_STATUSES, IMPORT_STEP_STATUSES } from "@skypanel/engine";
import { z } from "zod";

const herokuToken = z
  .string()
  .min(1)
  .max(500)
  .meta({ description: "Your Heroku API token (`heroku auth:token`). Used for this request or import only; never stored in plain text." });
const herokuApp = z.string().min(1).max(100).meta({ description: "The Heroku app's name or id." });
const gitSource = z.strictObject({
  kind: z.literal("git"),
  url: z.string().min(1).max(2048),
  ref: z.string().min(1).max(255).nullable().optional(),
});
const herokuSource = z
  .union([z.strictObject({ kind: z.literal("slug") }), gitSource])
  .meta({ description: "Where the code comes from: Heroku's current slug (default, rebuilt here) or a git URL." });

export const herokuAppsBody = z.object({ herokuToken });
export const herokuPlanBody = z.object({
  herokuApp,
  herokuToken,
  name: z.string().min(1).max(100).optional().meta({ description: "The SkyPanel app's name (default: the Heroku app's)." }),
  source: herokuSource.optional(),
  addonData: z
    .array(z.string().min(1).max(200))
    .max(50)
    .optional()
    .meta({ description: "Heroku add-ons whose data comes along (default: every PostgreSQL add-on with a backup)." }),
});
export const herokuImportBody = herokuPlanBody.extend({ teamId: z.string().min(1).max(64).optional() });

export const appSetupBody = z.object({
  name: z.string().min(1).max(100).meta({ description: "The new app's name." }),
  teamId: z.string().min(1).max(64).optional(),
  source: gitSource.meta({ description: "The source, with its app.json at the root." }),
  env: z
    .record(z.string().min(1).max(200), z.string().max(32_768))
    .optional()
    .meta({ description: "Values for app.json's env (they win over its `value`s; required ones without a value must be here)." }),
});

export const importIdInput = z.object({ id: z.string().min(1).max(64).meta({ description: "The import's id." }) });
export const importRollbackBody = z.object({
  confirm: z.string().max(100).optional().meta({ description: "The imported app's name: rolling back deletes it." }),
});

export const herokuAppsSchema = z.strictObject({
  apps: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      stack: z.string(),
      region: z.string().nullable(),
      updatedAt: z.string().nullable(),
    }),
  ),
});

export const importPlanSchema = z.strictObject({
  heroku: z.strictObject({
    id: z.string(),
    name: z.string(),
    stack: z.string(),
    region: z.string().nullable(),
    buildpacks: z.array(z.string()),
    release: z.number().int().nullable(),
  }),
  app: z.strictObject({ name: z.string() }),
  processes: z.array(z.strictObject({ type: z.string(), quantity: z.number().int(), size: z.string(), command: z.string().nullable() })),
  config: z.array(z.strictObject({ key: z.string(), action: z.enum(["copy", "addon"]), addon: z.string().optional() })),
  addons: z.array(
    z.strictObject({
      name: z.string(),
      service: z.string(),
      plan: z.string(),
      becomes: z.enum(["postgresql", "redis"]).nullable(),
      as: z.array(z.string()),
      data: z.enum(["backup", "none", "unavailable"]),
      note: z.string(),
    }),
  ),
  domains: z.array(z.strictObject({ hostname: z.string(), action: z.enum(["add", "skip"]), note: z.string() })),
  source: z.union([
    z.strictObject({
      kind: z.literal("slug"),
      slugId: z.string(),
      bytes: z.number().nullable(),
      commit: z.string().nullable(),
      dropped: z.array(z.string()),
    }),
    z.strictObject({ kind: z.literal("git"), url: z.string(), ref: z.string().nullable() }),
  ]),
  unsupported: z.array(z.strictObject({ what: z.string(), why: z.string() })),
  creates: z.array(z.string()),
});

export const importSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  status: z.enum(IMPORT_STATUSES),
  app: z.strictObject({ id: z.string().nullable(), name: z.string() }),
  source: z.string(),
  steps: z.array(z.strictObject({ name: z.string(), status: z.enum(IMPORT_STEP_STATUSES), detail: z.string() })),
  dns: z.array(z.strictObject({ hostname: z.string(), type: z.enum(["CNAME", "A"]), target: z.string() })),
  url: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const passphrase = z
  .string()
  .min(1)
  .max(1024)
  .meta({ description: "The passphrase the export's config is sealed under (12 characters or more); never the platform's key." });

export const exportAppInput = z.object({
  app: z.string().min(1).max(100),
  passphrase,
  includeData: z.boolean().optional().meta({ description: "Also dump the PostgreSQL add-ons' data into the archive." }),
});
export const exportedSchema = z.strictObject({ exportId: z.string(), filename: z.string(), bytes: z.number().int() });

export const archiveImportInput = z.object({
  uploadPath: z.string().min(1).max(4096),
  filename: z.string().min(1).max(255),
  passphrase,
  name: z.string().min(1).max(100).optional(),
  teamId: z.string().min(1).max(64).optional(),
});
