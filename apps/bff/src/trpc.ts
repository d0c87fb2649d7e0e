import { EngineError } from "@skypanel/engine";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Context } from "./context.ts";
import { describeZodError, isZodError, toTRPCError } from "./errors.ts";
import { auditRefusal } from "./refusals.ts";
import { procedureSpan } from "./request-spans.ts";
import { mfaEnrolmentRefusal, scopeRefusal } from "./scopes.ts";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let message = shape.message;
    if (isZodError(cause)) message = `Invalid input: ${describeZodError(cause)}`;
    // Internal failures are logged in full but shown to clients only as a generic message.
    if (error.code === "INTERNAL_SERVER_ERROR") message = "Internal error; the server log has the details.";
    return {
      ...shape,
      message,
      data: { ...shape.data, stack: undefined, details: cause instanceof EngineError ? cause.details : undefined },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Every procedure passes engine errors out as the matching tRPC error. */
const engineErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped !== result.error.cause) throw mapped;
    if (result.error.code === "INTERNAL_SERVER_ERROR") console.error("[bff] internal error:", result.error.cause ?? result.error);
  }
  return result;
});

/** Times every call for Prometheus, by procedure and result (after engineErrors mapped it). */
const timed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await next();
  ctx.engine.prometheus.trpcCall(path, type, result.ok ? "OK" : result.error.code, (performance.now() - started) / 1000);
  return result;
});

/** Each call is a span below its request's when traces are exported (request-spans.ts). */
const traced = t.middleware(({ ctx, path, type, next }) => procedureSpan(ctx.engine.tracing, path, type, next));

/** Refused calls (401, 403, a stranger's 404) go to the audit log, after engineErrors mapped them. */
const refusals = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok) await auditRefusal(ctx, result.error);
  return result;
});

export const publicProcedure = t.procedure.use(traced).use(timed).use(refusals).use(engineErrors);

/** Needs a session or API token; narrows ctx.auth and adds ctx.actor for the engine. */
export const authedProcedure = publicProcedure.use(({ ctx, path, type, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first: this needs a session or an API token." });
  if (type === "mutation" && !ctx.csrfOk) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Missing or wrong x-csrf-token header for this session; reload the page." });
  }
  // A token's scope, and a team's MFA requirement, limit what may be called (scopes.ts).
  const refusal = scopeRefusal(ctx.auth.scope, path, type) ?? mfaEnrolmentRefusal(ctx.auth.mfaEnrolmentRequiredBy, path);
  if (refusal) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
  return next({
    ctx: { ...ctx, auth: ctx.auth, actor: { userId: ctx.auth.user.id, isAdmin: ctx.auth.user.isAdmin, ip: ctx.ip } },
  });
});
