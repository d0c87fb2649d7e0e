// An app's maintenance mode: the router answers 503 with a page and Retry-After.
import { MAINTENANCE_BOUNDS } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "./common.ts";

const { min, max } = MAINTENANCE_BOUNDS.retryAfterSeconds;

const fields = {
  enabled: z.boolean().meta({ description: "true: every request to the app's hostnames gets the page with 503; false: the app answers." }),
  // Characters, not bytes: the engine counts the UTF-8 bytes and says so (64 KiB).
  page: z
    .string()
    .min(1)
    .max(MAINTENANCE_BOUNDS.pageBytes)
    .nullable()
    .meta({
      description: `The HTML visitors get, served as-is with Content-Type text/html; charset=utf-8 (at most ${MAINTENANCE_BOUNDS.pageBytes} bytes of UTF-8). null: the platform's default page naming the app.`,
    }),
  retryAfterSeconds: z
    .number()
    .int()
    .min(min)
    .max(max)
    .meta({ description: `Seconds in the answers' Retry-After header (${min}–${max}).` }),
};

export const maintenanceBody = z.strictObject({
  enabled: fields.enabled.optional(),
  page: fields.page.optional(),
  retryAfterSeconds: fields.retryAfterSeconds.optional(),
});
export const maintenanceInput = appInput.extend(maintenanceBody.shape);

export const maintenanceSchema = z
  .strictObject({
    ...fields,
    servedPage: z.string().meta({ description: "The HTML visitors get while maintenance is on: page, or the default naming the app." }),
    routed: z
      .boolean()
      .meta({ description: "Whether this platform runs a router; without one the setting is stored but nothing is served." }),
  })
  .meta({ id: "Maintenance" });
