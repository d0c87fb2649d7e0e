// The audit trail of one app.
import { auditLog } from "@skypanel/db";
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
