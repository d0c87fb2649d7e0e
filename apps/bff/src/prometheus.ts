// Prometheus's way in: GET /metrics (the engine's exposition) and the timing of every HTTP request
// the BFF answers. Scrapers present an admin's API token or the scrape token
// (SKYPANEL_METRICS_TOKEN) as `Authorization: Bearer`; the numbers name every app, so nobody
// else reads them.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Engine } from "@skypanel/engine";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { BffConfig } from "./config.ts";
import { requestToken } from "./http.ts";
import { errorBody } from "./rest/respond.ts";

export type ScrapeAccess = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares digests, so neither the token's content nor its length shows in the time taken. */
export function isScrapeToken(presented: string, expected: string | null): boolean {
  return expected !== null && timingSafeEqual(digest(presented), digest(expected));
}

/** Whether these headers may read the metrics: the scrape token, or an admin's API token. */
export async function scrapeAccess(engine: Engine, config: BffConfig, headers: Headers): Promise<ScrapeAccess> {
  const presented = requestToken(headers);
  // A cookie is a browser's: scrapers send the token in the header, and no page can make them.
  if (presented?.from !== "bearer")
    return {
      ok: false,
      status: 401,
      code: "UNAUTHORIZED",
      message: "Send an admin's API token or the scrape token (SKYPANEL_METRICS_TOKEN) as Authorization: Bearer.",
    };
  if (isScrapeToken(presented.token, config.metricsToken)) return { ok: true };
  const auth = await engine.auth.authenticate(presented.token);
  if (!auth) return { ok: false, status: 401, code: "UNAUTHORIZED", message: "This token is not the scrape token nor a live API token." };
  // A platform admin's token with the admin scope: a read or deploy token is meant for less.
  if (auth.via !== "api_token" || !auth.user.isAdmin || auth.scope !== "admin")
    return {
      ok: false,
      status: 403,
      code: "FORBIDDEN",
      message: "Metrics are read with a platform admin's API token with the admin scope (not a session) or the scrape token.",
    };
  return { ok: true };
}

/** GET /metrics: the text exposition, or a JSON error like the REST face's. */
export function metricsHandler(engine: Engine, config: BffConfig) {
  return async (c: HonoContext) => {
    const access = await scrapeAccess(engine, config, c.req.raw.headers);
    if (!access.ok) {
      if (access.status === 401) c.header("WWW-Authenticate", 'Bearer realm="skypanel metrics"');
      return c.json(errorBody(access.code, access.message), access.status);
    }
    const body = await engine.prometheus.metrics();
    return c.body(body, 200, { "Content-Type": engine.prometheus.contentType, "Cache-Control": "no-store" });
  };
}

/**
 * Times each request until its response headers, labelled with the registered route that
 * answered (`/api/apps/:app`, never the path a client made up), so the series stay few.
 */
export function httpMetrics(engine: Engine): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = matchedRoutes(c)[c.req.routeIndex]?.path ?? "*";
      engine.prometheus.httpRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
