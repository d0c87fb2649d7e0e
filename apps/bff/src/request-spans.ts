// OpenTelemetry spans for the BFF's HTTP requests and tRPC procedure calls. Made only while the
// engine exports traces (OTEL_EXPORTER_OTLP_ENDPOINT): otherwise both wrappers just pass through.
import type { Tracing } from "@skypanel/engine";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

// The stable HTTP names of the OTel semantic conventions; rpc.* are still incubating there, so spelled out.
const METHOD = "http.request.method";
const ROUTE = "http.route";
const STATUS = "http.response.status_code";
const URL_PATH = "url.path";
const TRPC_PREFIX = "/api/trpc/";

/** One SERVER span per request, named by method and route template (`GET /api/apps/:app/builds`). */
export function requestSpans(tracing: Tracing): MiddlewareHandler {
  if (!tracing.exporting) return (_c, next) => next();
  return async (c, next) => {
    const method = c.req.method;
    const span = tracing.startRequest(method, { [METHOD]: method, [URL_PATH]: c.req.path.slice(0, 1024) });
    if (!span) return next();
    try {
      await tracing.withSpan(span, next);
    } finally {
      // After the handler ran, the route that answered is known; a path that matched nothing keeps none.
      const route = routePath(c) || null;
      if (route && route !== "*") {
        span.updateName(`${method} ${route}`);
        span.setAttribute(ROUTE, route);
      }
      if (c.req.path.startsWith(TRPC_PREFIX)) {
        span.setAttribute("rpc.system", "trpc");
        // A batch names its procedures in the path (`apps.list,apps.get`); bounded, it is client input.
        span.setAttribute("rpc.method", c.req.path.slice(TRPC_PREFIX.length, TRPC_PREFIX.length + 512));
      }
      span.setAttribute(STATUS, c.res.status);
      if (c.error) span.recordException(c.error);
      if (c.res.status >= 500) tracing.failed(span, c.error?.message ?? `HTTP ${c.res.status}`);
      span.end();
    }
  };
}

type CallResult = { ok: true } | { ok: false; error: { code: string; message: string } };

/** A tRPC call as a child span of its request's (REST handlers call procedures too, so both get one). */
export async function procedureSpan<R extends CallResult>(tracing: Tracing, path: string, type: string, next: () => Promise<R>) {
  if (!tracing.exporting) return next();
  return tracing
    .inSpan(`trpc ${path}`, { "rpc.system": "trpc", "rpc.method": path, "trpc.type": type }, async () => {
      const result = await next();
      if (!result.ok) throw new ProcedureFailed(result);
      return result;
    })
    .catch((err) => {
      // The span recorded the failure; the caller still gets tRPC's result, not a throw.
      if (err instanceof ProcedureFailed) return err.result as R;
      throw err;
    });
}

class ProcedureFailed extends Error {
  constructor(readonly result: CallResult & { ok: false }) {
    super(`${result.error.code}: ${result.error.message}`);
  }
}
