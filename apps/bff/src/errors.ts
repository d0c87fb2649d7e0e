// Engine errors become tRPC and HTTP errors here, and only here.
import { isConnectionLost } from "@skypanel/db";
import { EngineError, type ErrorCode } from "@skypanel/engine";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

export const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
};

export const HTTP_STATUS: Partial<Record<TRPC_ERROR_CODE_KEY, number>> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** What a client is told while the control database cannot be reached; the pool reconnects by itself. */
export const DATABASE_UNREACHABLE = "The control database is unreachable; retrying. Try again in a few seconds.";
/** Seconds a client is asked to wait (Retry-After) while the control database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Whether `err` (or what it wraps) says the control database is out of reach: one definition, in @skypanel/db. */
export const isDatabaseUnreachable = isConnectionLost;

/** Whether `err` (or what it wraps) is the platform's disk being full (ENOSPC). */
export function isNoSpaceLeft(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  if ((err as { code?: unknown }).code === "ENOSPC") return true;
  return isNoSpaceLeft((err as { cause?: unknown }).cause, depth + 1);
}

/**
 * Turns an engine error into the matching tRPC error, and a control database out of reach or a
 * full disk into a 503 (SERVICE_UNAVAILABLE, never a 500: nothing is wrong with the request, and
 * it can be tried again once the operator fixed it); anything else is left alone.
 */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof EngineError) return new TRPCError({ code: TRPC_CODE[err.code], message: err.message, cause: err });
  if (err instanceof TRPCError) return err;
  if (isDatabaseUnreachable(err)) return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_UNREACHABLE, cause: err as Error });
  if (isNoSpaceLeft(err))
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The platform's disk is full (no space left on device): nothing was kept. Free space where SKYPANEL_HOME is and try again.",
      cause: err as Error,
    });
  return err;
}

/** Readable text for input validation failures: "name: expected string". */
export function describeZodError(err: ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

export function isZodError(err: unknown): err is ZodError {
  return err instanceof ZodError;
}
