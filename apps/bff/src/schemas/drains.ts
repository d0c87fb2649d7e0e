// An app's log drains: where its log lines are also sent (syslog over TLS, HTTPS NDJSON).
import { LOG_DRAIN_KINDS } from "@skypanel/db";
import { z } from "zod";
import { appRef } from "./common.ts";

// Generous: the engine checks the URL itself and says what is wrong with it.
const url = z
  .string()
  .max(4000)
  .meta({ description: "syslog+tls://host:port (RFC 5424 over TLS) or https://host[:port]/path (NDJSON POSTs); it may carry a token." });

export const drainAddInput = z.object({ app: appRef, url });
export const drainRemoveInput = z.object({
  app: appRef,
  // A URL in a path stays ASCII (as URLs are once normalized) and bounded, so the request line fits any server's limit.
  id: z
    .string()
    .min(1)
    .max(2000)
    .regex(/^[\x21-\x7e]+$/, "a drain's id, or its URL in ASCII (a URL with other characters: remove it by its id)")
    .meta({ description: "The drain's id, or its URL as it was added." }),
});

export const logDrainSchema = z
  .strictObject({
    id: z.uuid(),
    appId: z.uuid(),
    kind: z.enum(LOG_DRAIN_KINDS),
    url: z.string().meta({ description: "Scheme, host and port; a user, password, path or query shows as ***." }),
    deliveredCount: z.number().int().meta({ description: "Lines the drain took." }),
    deadLetterCount: z.number().int().meta({ description: "Lines given up on after every retry failed." }),
    droppedCount: z.number().int().meta({ description: "Lines dropped because the drain fell too far behind." }),
    lastError: z.string().nullable(),
    lastErrorAt: z.date().nullable(),
    lastDeliveredAt: z.date().nullable(),
    queued: z.number().int().meta({ description: "Lines waiting to be sent now." }),
    createdAt: z.date(),
  })
  .meta({ id: "LogDrain" });
export const removedLogDrainSchema = z.strictObject({ id: z.uuid(), url: z.string() });
