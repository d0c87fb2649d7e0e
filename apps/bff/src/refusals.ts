// Refused calls into the audit log (the engine's auth/refusals.ts keeps and caps them): a
// missing or bad token, a forbidden action, and a 404 for an app that exists but is not the
// caller's. Every tRPC procedure and REST operation passes through trpc.ts, which calls this.
import { AppNotFoundError, EngineError } from "@skypanel/engine";
import type { TRPCError } from "@trpc/server";
import type { Context } from "./context.ts";
import { HTTP_STATUS } from "./errors.ts";

export async function auditRefusal(ctx: Context, error: TRPCError): Promise<void> {
  const status = HTTP_STATUS[error.code];
  // In-process callers (tests, the REST face's own caller) carry the HTTP request they serve, if any.
  if (!ctx.request || (status !== 401 && status !== 403 && status !== 404)) return;
  const cause = error.cause;
  // The engine's own credential checks (a wrong password or code) audit themselves: auth.login_failed.
  if (status === 401 && cause instanceof EngineError) return;
  if (status === 404 && !(cause instanceof AppNotFoundError)) return;
  if (ctx.request.refused) return;
  ctx.request.refused = true;
  try {
    await ctx.engine.auth.refusals.record({
      method: ctx.request.method,
      path: ctx.request.path,
      status,
      ip: ctx.ip,
      userId: ctx.auth?.user.id ?? null,
      reason: error.message,
      ...(cause instanceof AppNotFoundError ? { app: cause.idOrName } : {}),
    });
  } catch (err) {
    // The refusal is answered either way; a failed audit write must not turn it into a 500.
    console.error("[bff] could not audit a refused request:", (err as Error).message);
  }
}
