// Managed add-ons and their backups. Type, plan, `as` and ids are checked by the engine, which
// says what is allowed.
import { ADDON_HEALTH_STATES, addonBackups } from "@skypanel/db";
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

export const pitrWindowSchema = z
  .strictObject({
    enabled: z.boolean(),
    earliest: z.date().nullable().meta({ description: "The earliest time it can be restored to." }),
    latest: z.date().nullable().meta({ description: "The latest time it can be restored to (the newest archived WAL)." }),
  })
  .meta({ id: "PitrWindow" });
const pointInTimeRestoreSchema = z.strictObject({
  from: z.uuid(),
  at: z.string(),
  status: z.enum(["running", "succeeded", "failed"]),
  error: z.string().nullable(),
});
export const pitrRestoreInput = addonRef.extend({
  at: z.iso
    .datetime({ offset: true })
    .meta({ description: "The time to restore to (ISO 8601, with a zone), inside the add-on's PITR window." }),
  as: z.string().max(300).optional().meta({ description: "The new add-on's config var (default DATABASE_RESTORED_URL)." }),
});
export const pitrRestoreSchema = z
  .strictObject({ addonId: z.uuid().meta({ description: "The new add-on the data is restored into." }), restore: pointInTimeRestoreSchema })
  .meta({ id: "PitrRestore" });

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
    health: z
      .strictObject({
        state: z.enum(ADDON_HEALTH_STATES),
        reason: z.string().nullable().meta({ description: "Why it is degraded: the server's or the connection's error." }),
        checkedAt: z.date(),
        changedAt: z.date().meta({ description: "When the state last changed." }),
      })
      .nullable()
      .meta({
        description: "What the periodic check of its server last saw (SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS); null until checked.",
      }),
    pitr: pitrWindowSchema
      .nullable()
      .meta({ description: "Point-in-time recovery (PostgreSQL on the server the platform archives); null where it cannot be had." }),
    restoredToTime: pointInTimeRestoreSchema
      .nullable()
      .meta({ description: "Set on an add-on a point-in-time restore made: from which add-on, to when, how it went." }),
    createdAt: z.date(),
  })
  .meta({ id: "Addon" });
export const destroyedAddonSchema = z.strictObject({ id: z.uuid(), name: z.string() });

export const backupSchema = createSelectSchema(addonBackups)
  .omit({ sha256: true, dataKey: true, dataKeyNonce: true, remoteKey: true })
  .extend({
    encrypted: z.boolean().meta({ description: "Encrypted at rest (AES-256-GCM, a data key sealed by the platform keyring)." }),
    remote: z.string().nullable().meta({ description: "Its copy in the S3 bucket (s3://bucket/key), or null." }),
  })
  .strict()
  .meta({ id: "Backup" });
export const backupSchedule = z.strictObject({ backupHour: z.number().int().nullable() });
