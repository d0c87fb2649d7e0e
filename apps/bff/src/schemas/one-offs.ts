// One-off processes (`skypanel run`): what starting one takes, and what the API shows of one.
import { ONE_OFF_STATUSES } from "@skypanel/db";
import { ONE_OFF_DEFAULT_TIMEOUT_SECONDS, ONE_OFF_MAX_TIMEOUT_SECONDS } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "./common.ts";

const dimension = z.number().int().min(1).max(1000);

export const oneOffStartBody = z.object({
  command: z.string().trim().min(1).max(16_384).meta({ description: "Run with bash in the app's folder, as a Procfile line is." }),
  attach: z.boolean().optional().meta({
    description: "Default true: attach to it over the WebSocket at `attachUrl` within 30 s (it starts then). False: output to the logs.",
  }),
  size: z
    .object({ cols: dimension, rows: dimension })
    .optional()
    .meta({ description: "The caller's terminal: an attached one-off then runs on a pseudo-terminal of this size." }),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(ONE_OFF_MAX_TIMEOUT_SECONDS)
    .optional()
    .meta({ description: `Stopped after this long (default ${ONE_OFF_DEFAULT_TIMEOUT_SECONDS}).` }),
});
export const oneOffStartInput = appInput.extend(oneOffStartBody.shape);
export const oneOffInput = appInput.extend({ id: z.string().min(1).max(64).meta({ description: "The one-off's id." }) });
export const oneOffListInput = appInput.extend({ limit: z.number().int().min(1).max(200).optional() });

export const oneOffSchema = z.strictObject({
  id: z.string(),
  name: z.string().meta({ description: "run.N, numbered per app." }),
  number: z.number().int(),
  command: z.string(),
  attach: z.boolean(),
  status: z.enum(ONE_OFF_STATUSES),
  exitCode: z.number().int().nullable(),
  exitReason: z.string().nullable(),
  releaseId: z.string().nullable(),
  timeoutSeconds: z.number().int(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  attachUrl: z.string().nullable().meta({ description: "Where to attach (WebSocket), for an attached one-off." }),
});
