// App logs: the query the procedures take and one stored line.
import { z } from "zod";
import { appRef } from "./common.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

// PostgreSQL text cannot hold NUL, and no log filter needs a control character: refused here,
// with a message, instead of failing in the database (Schemathesis sent `search=…%00…`).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
const filterText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL.test(s), "must not contain control characters");

export const logQuery = z.object({
  app: appRef,
  tail: z.number().int().optional(),
  levels: z.array(z.enum(LOG_LEVELS)).max(4).optional(),
  processType: filterText(63).optional(),
  instanceId: z.string().uuid().optional(),
  search: filterText(200).optional(),
  /** The log search language (packages/engine/src/logs/query-language.ts); the engine parses it and says what is wrong. */
  q: z.string().max(500).optional(),
  since: z.date().optional(),
  until: z.date().optional(),
});

export const logLineSchema = z
  .strictObject({
    id: z.number().int(),
    instanceId: z.string().nullable(),
    processType: z.string().nullable(),
    source: z.string(),
    stream: z.enum(["stdout", "stderr", "system"]),
    level: z.enum(LOG_LEVELS),
    line: z.string(),
    loggedAt: z.date(),
  })
  .meta({ id: "LogLine" });

/** Bounds as the engine checks them (packages/engine/src/logs/retention.ts) and the table holds them. */
const retentionDays = z.number().int().min(1).max(365);
const retentionBytes = z
  .number()
  .int()
  .min(1024 * 1024)
  .max(100 * 1024 ** 3);

export const logRetentionInput = z.object({
  app: appRef,
  days: retentionDays.optional().meta({ description: "Lines older than this many days are deleted (1–365)." }),
  maxBytes: retentionBytes
    .optional()
    .meta({ description: "The newest lines are kept up to this many bytes of text; older ones are deleted (1 MiB–100 GiB)." }),
});

export const logRetentionSchema = z
  .strictObject({
    days: retentionDays,
    maxBytes: retentionBytes,
    custom: z.boolean().meta({ description: "false: the app keeps the platform's defaults." }),
    defaults: z.strictObject({ days: z.number().int(), maxBytes: z.number().int() }),
  })
  .meta({ id: "LogRetention" });
