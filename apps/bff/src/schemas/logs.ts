// App logs: the query the procedures take and one stored line.
import { z } from "zod";
import { appRef } from "./common.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export const logQuery = z.object({
  app: appRef,
  tail: z.number().int().optional(),
  levels: z.array(z.enum(LOG_LEVELS)).max(4).optional(),
  processType: z.string().max(63).optional(),
  instanceId: z.string().uuid().optional(),
  search: z.string().max(200).optional(),
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
