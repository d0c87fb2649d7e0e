// An app's maintenance mode in the platform's words, its bounds (the table's CHECKs hold them too,
// migration 0033), and the checks a change passes before it is saved.
import { ValidationError } from "../errors.ts";
import { MAX_MAINTENANCE_PAGE_BYTES } from "../router/index.ts";

export interface MaintenanceSettings {
  enabled: boolean;
  /** The owner's HTML, served as-is; null: the platform's default page naming the app. */
  page: string | null;
  /** Seconds in the answers' Retry-After header. */
  retryAfterSeconds: number;
}

export const MAINTENANCE_BOUNDS = {
  pageBytes: MAX_MAINTENANCE_PAGE_BYTES,
  retryAfterSeconds: { min: 1, max: 86_400 },
} as const;

export const MAINTENANCE_OFF: MaintenanceSettings = { enabled: false, page: null, retryAfterSeconds: 60 };

// A lone UTF-16 surrogate cannot be sent as UTF-8: the page would not be what its owner wrote.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkMaintenancePage(page: unknown): string | null {
  if (page === null) return null;
  if (typeof page !== "string")
    throw new ValidationError("The maintenance page is HTML text, or null for the default page.", { field: "page" });
  if (page.trim().length === 0)
    throw new ValidationError("The maintenance page is empty: give some HTML, or null for the default page.", { field: "page" });
  const bytes = Buffer.byteLength(page, "utf8");
  if (bytes > MAINTENANCE_BOUNDS.pageBytes)
    throw new ValidationError(
      `The maintenance page is ${bytes} bytes; at most ${MAINTENANCE_BOUNDS.pageBytes} (64 KiB) are served. Link to images and styles rather than inlining them.`,
      { field: "page" },
    );
  if (page.includes("\0") || LONE_SURROGATE.test(page))
    throw new ValidationError("The maintenance page must be text: it has a NUL character or broken Unicode.", { field: "page" });
  return page;
}

export function checkRetryAfter(seconds: unknown): number {
  const { min, max } = MAINTENANCE_BOUNDS.retryAfterSeconds;
  if (typeof seconds !== "number" || !Number.isSafeInteger(seconds) || seconds < min || seconds > max)
    throw new ValidationError(`Retry-After is a whole number of seconds from ${min} to ${max} (a day).`, { field: "retryAfterSeconds" });
  return seconds;
}
