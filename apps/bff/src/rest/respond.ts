import { EngineError } from "@skypanel/engine";
import { TRPCError } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { DATABASE_RETRY_AFTER_SECONDS, describeZodError, HTTP_STATUS, isDatabaseUnreachable, isZodError, toTRPCError } from "../errors.ts";

/** The REST face's one error shape, as documented. */
export const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: "BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, …" }),
      message: z.string().meta({ description: "What went wrong, written for the user." }),
      details: z.record(z.string(), z.unknown()).optional().meta({ description: "Extra facts, e.g. retryAfterSeconds." }),
    }),
  })
  .meta({ id: "Error" });

/** The REST face's one error shape: `{ error: { code, message } }`. */
export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details && Object.keys(details).length ? { details } : {}) } };
}

export function sendError(c: HonoContext, thrown: unknown) {
  // Failures outside a procedure (making the request's context) are mapped as the procedures' are.
  const err = toTRPCError(thrown);
  if (err instanceof TRPCError) {
    const cause = err.cause;
    let message = err.message;
    let details: Record<string, unknown> | undefined;
    if (isZodError(cause)) message = `Invalid input: ${describeZodError(cause)}`;
    if (cause instanceof EngineError) {
      message = cause.message;
      details = cause.details;
      if (typeof details.retryAfterSeconds === "number") c.header("Retry-After", String(details.retryAfterSeconds));
    }
    const status = (HTTP_STATUS[err.code] ?? 500) as ContentfulStatusCode;
    if (isDatabaseUnreachable(err.cause)) c.header("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
    if (status >= 500 && err.code !== "SERVICE_UNAVAILABLE") {
      console.error("[bff] internal error:", err.cause ?? err);
      message = "Internal error; the server log has the details.";
    }
    return c.json(errorBody(err.code, message, details), status);
  }
  console.error("[bff] internal error:", err);
  return c.json(errorBody("INTERNAL_SERVER_ERROR", "Internal error; the server log has the details."), 500);
}

/** Reads a JSON object body; a missing, malformed or non-object body is a clear 400. */
export async function readJsonObject(
  c: HonoContext,
  options: { emptyIs?: Record<string, unknown> } = {},
): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) {
    if (options.emptyIs) return options.emptyIs;
    throw new TRPCError({ code: "BAD_REQUEST", message: "The request needs a JSON object body." });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The request body is not valid JSON." });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The request body must be a JSON object." });
  }
  return value as Record<string, unknown>;
}
