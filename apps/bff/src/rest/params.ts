// REST-only parameter schemas: query strings carry text, which these turn into what the
// procedures take (numbers, dates), documented as what they accept.
import { z } from "zod";

const MAX_WHOLE = 999_999_999;

/** A whole-number query parameter (digits only), then checked against the procedure's own `target`. */
export function queryInt(target: z.ZodNumber) {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = z.toJSONSchema(target) as Record<string, number | undefined>;
  return z
    .string()
    .regex(/^\d{1,9}$/, "expected a whole number")
    .transform(Number)
    .pipe(target)
    .meta({
      type: "integer",
      ...(exclusiveMinimum !== undefined ? { exclusiveMinimum } : { minimum: Math.max(0, minimum ?? 0) }),
      maximum: Math.min(MAX_WHOLE, maximum ?? MAX_WHOLE),
      ...(exclusiveMaximum !== undefined ? { exclusiveMaximum } : {}),
    });
}

const DURATION = /^(\d{1,6})([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const LAST_MOMENT = Date.UTC(10_000, 0, 1);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A moment: an ISO timestamp, or a duration back from now (`30s`, `10m`, `1h`, `2d`). */
export const sinceParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ago = DURATION.exec(text);
    // Nothing is older than 1970 here; the clamp keeps a huge duration a valid timestamp.
    if (ago) return new Date(Math.max(0, Date.now() - Number(ago[1]) * (UNIT_MS[ago[2] ?? "s"] ?? 1000)));
    const at = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
    if (at >= 0 && at < LAST_MOMENT) return new Date(at);
    ctx.addIssue({ code: "custom", message: "expected an ISO timestamp or a duration such as 30s, 10m, 1h or 2d" });
    return z.NEVER;
  })
  .meta({ description: "An ISO timestamp, or a duration back from now: 30s, 10m, 1h, 2d.", examples: ["10m", "2025-01-31T12:00:00Z"] });
