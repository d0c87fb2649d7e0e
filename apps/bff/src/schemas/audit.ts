// The audit trail: one app's activity, and (platform admins) the whole log's verification and export.
import { auditLog } from "@skypanel/db";
import { AUDIT_EXPORT_MAX_ROWS } from "@skypanel/engine";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

export const auditForAppInput = z.object({
  app: appRef,
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const auditEntrySchema = createSelectSchema(auditLog, { details: z.record(z.string(), z.unknown()) })
  .strict()
  .meta({ id: "AuditEntry" });

export const AUDIT_CHAIN_BREAKS = ["hash mismatch", "broken link (a row before it was deleted)"] as const;

export const auditVerificationSchema = z
  .strictObject({
    ok: z.boolean(),
    checked: z.number().int().meta({ description: "Rows checked: every row kept." }),
    firstBad: z
      .strictObject({ id: z.number().int(), seq: z.number().int(), reason: z.enum(AUDIT_CHAIN_BREAKS) })
      .optional()
      .meta({
        description:
          "The first row, in chain order, that does not fit: changed in place (hash mismatch), or the first after a deleted row (broken link).",
      }),
    anchor: z
      .strictObject({ seq: z.number().int(), hash: z.string() })
      .optional()
      .meta({ description: "Where retention cut the chain (the last row it deleted); the check starts after it." }),
  })
  .meta({ id: "AuditVerification" });

export const AUDIT_EXPORT_FORMATS = ["json", "csv"] as const;

// The engine refuses `since` not before `until`.
export const auditExportInput = z.object({
  format: z.enum(AUDIT_EXPORT_FORMATS).default("json"),
  since: z.date().optional(),
  until: z.date().optional(),
  limit: z.number().int().min(1).max(AUDIT_EXPORT_MAX_ROWS).optional(),
});

export const auditExportSchema = z
  .strictObject({
    entries: z.array(auditEntrySchema),
    truncated: z.boolean().meta({ description: "More rows matched than `limit`: ask again from the last entry's time." }),
  })
  .meta({ id: "AuditExport" });
