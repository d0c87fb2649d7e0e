// Managed add-ons and their backups. Type, plan, `as` and ids are checked by the engine, which
// says what is allowed.
import { addonBackups } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

export const addonRef = z.object({ app: appRef, addonId: z.string().min(1).max(100) });
export const backupRef = addonRef.extend({ backupId: z.string().min(1).max(100) });
const confirm = z.string().max(100).optional().meta({ description: "The app's name, to confirm a change that deletes data." });

export const addonCreateInput = z.object({
  app: appRef,
  type: z.string().max(50).meta({ description: '"postgresql" or "redis".' }),
  plan: z.string().max(50).optional(),
  as: z.string().max(300).optional().meta({ description: "The config var it is set as (default: DATABASE_URL, REDIS_URL)." }),
});
/** Attaches the add-on (owned by `app`) to `target` (default: `app` itself again) as `as`. */
export const addonAttachInput = addonRef.extend({ target: appRef.optional(), as: z.string().max(300).optional() });
export const addonDetachInput = addonRef.extend({ attachmentId: z.string().max(100).optional() });
export const addonDestroyInput = addonRef.extend({ confirm });
export const backupRestoreInput = backupRef.extend({
  into: z.string().max(100).optional().meta({ description: 'Another of the app\'s add-ons (its id), or "new".' }),
  as: z.string().max(300).optional(),
  confirm,
});
export const backupScheduleInput = addonRef.extend({
  hour: z.number().int().min(0).max(23).nullable().meta({ description: "The daily backup's hour (UTC); null for none." }),
});

export const addonSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    type: z.string(),
    plan: z.string(),
    status: z.string(),
    owner: z.strictObject({ id: z.uuid(), name: z.string() }).meta({ description: "The app that owns the add-on." }),
    attachedAs: z
      .string()
      .nullable()
      .meta({ description: "The config var it is set as on the app asked about; null when not attached there." }),
    attachments: z.array(z.strictObject({ id: z.uuid(), appId: z.uuid(), app: z.string(), as: z.string() })),
    resource: z.string(),
    server: z.string(),
    connectionLimit: z.number().int().nullable(),
    backupHour: z.number().int().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: "Addon" });
export const destroyedAddonSchema = z.strictObject({ id: z.uuid(), name: z.string() });

export const backupSchema = createSelectSchema(addonBackups).omit({ sha256: true }).strict().meta({ id: "Backup" });
export const backupSchedule = z.strictObject({ backupHour: z.number().int().nullable() });
