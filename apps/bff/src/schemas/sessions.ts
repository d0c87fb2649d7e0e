// A user's own sessions: where they are logged in, and ending them.
import { z } from "zod";

export const sessionRevokeInput = z.object({ id: z.string().max(64) });

export const accountSessionSchema = z
  .strictObject({
    id: z.uuid(),
    createdAt: z.date().meta({ description: "When the log-in happened." }),
    lastSeenAt: z.date().meta({ description: "When the session was last used (updated at most every 5 minutes)." }),
    expiresAt: z.date(),
    ip: z.string().nullable().meta({ description: "The client address the log-in came from." }),
    userAgent: z.string().nullable(),
    current: z.boolean().meta({ description: "True for the session this request was made with." }),
  })
  .meta({ id: "AccountSession" });
export const revokedSessionSchema = z.strictObject({ id: z.string() });
export const revokedOtherSessionsSchema = z.strictObject({
  revoked: z.number().int().meta({ description: "How many sessions were ended." }),
});
