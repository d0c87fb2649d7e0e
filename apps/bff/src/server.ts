import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Engine } from "@skypanel/engine";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { clientAddress, fromTrustedProxy, peerAddress } from "./client-address.ts";
import type { BffConfig } from "./config.ts";
import { createContext, type RequestFacts } from "./context.ts";
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNREACHABLE, isDatabaseUnreachable, toTRPCError } from "./errors.ts";
import { gitRoutes } from "./git.ts";
import type { HeaderReader } from "./http.ts";
import { httpMetrics, metricsHandler } from "./prometheus.ts";
import { requestSpans } from "./request-spans.ts";
import { errorBody, sendError } from "./rest/respond.ts";
import { restRoutes } from "./rest/routes.ts";
import { appRouter } from "./routers/_app.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Node's own header object when the request came through @hono/node-server: `c.req.raw.headers`
 * makes it build a whole Fetch Request (headers copied, an AbortSignal) for every request, a
 * few percent of a list request's CPU. Node lower-cases the names and keeps the first of a
 * repeated Authorization, as a Fetch `Headers` would not (it joins them, which no token matches).
 */
function headerReader(c: HonoContext): HeaderReader {
  const all = (c.env as { incoming?: Partial<IncomingMessage> } | undefined)?.incoming?.headers;
  // In-process requests (tests' app.request) have no Node request behind them.
  if (!all) return c.req.raw.headers;
  return {
    get(name) {
      const value = all[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

function requestFacts(c: HonoContext, config: BffConfig): RequestFacts {
  const headers = headerReader(c);
  const peer = peerAddress(c);
  let https = c.req.url.startsWith("https:");
  if (fromTrustedProxy(peer, config.trustedProxies)) https = headers.get("x-forwarded-proto") === "https" || https;
  return { headers, ip: clientAddress(headers, peer, config.trustedProxies), https, method: c.req.method, path: c.req.path };
}

/** The whole HTTP surface: health, tRPC, REST, and the built dashboard. */
export function createApp(engine: Engine, config: BffConfig) {
  const app = new Hono();
  const contextFor = (c: HonoContext, resHeaders: Headers) => createContext(engine, config, requestFacts(c, config), resHeaders);

  app.use("*", requestSpans(engine.tracing));
  app.use("*", httpMetrics(engine));
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json(errorBody("PAYLOAD_TOO_LARGE", `A request body is at most ${MAX_BODY_BYTES / 1024} KiB.`), 413),
  });
  // Archive uploads have their own, larger limit, enforced while they stream to disk.
  app.use("/api/*", (c, next) => (isArchiveUpload(c) ? next() : jsonLimit(c, next)));

  // Anything a route lets escape: a control database out of reach is a 503, the rest a plain 500.
  app.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : sendError(c, err)));

  app.get("/healthz", async (c) => {
    try {
      await engine.deps.db.execute("select 1");
    } catch (err) {
      if (!isDatabaseUnreachable(err)) throw err;
      c.header("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
      return c.json({ status: "unavailable", database: "unreachable", message: DATABASE_UNREACHABLE }, 503);
    }
    // platform.leader: whether this control plane leads (runs the queue, the runtime and the schedulers).
    return c.json({ status: "ok", platform: { leader: engine.leadership.isLeader() } });
  });
  app.get("/metrics", metricsHandler(engine, config));

  app.all("/api/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: c.req.raw,
      router: appRouter,
      // A context that cannot be made (the session lookup found no database) is mapped like a procedure's failure.
      createContext: ({ resHeaders }) =>
        contextFor(c, resHeaders).catch((err: unknown) => {
          throw toTRPCError(err);
        }),
    }),
  );
  app.route("/api", restRoutes(contextFor));
  app.route(
    "/git",
    gitRoutes(engine, config, (c) => requestFacts(c, config).ip),
  );

  mountDashboard(app, config.webDist);
  return app;
}

function isArchiveUpload(c: HonoContext) {
  return (
    c.req.method === "POST" &&
    /^\/api\/apps\/[^/]+\/builds\/?$/.test(c.req.path) &&
    (c.req.header("content-type") ?? "").startsWith("multipart/")
  );
}

/** Serves the built SPA; any other GET falls back to index.html so client routes load. */
function mountDashboard(app: Hono, dist: string) {
  const index = join(dist, "index.html");
  if (existsSync(dist)) {
    app.use(
      "/assets/*",
      serveStatic({ root: dist, onFound: (_path, c) => c.header("Cache-Control", "public, max-age=31536000, immutable") }),
    );
    app.use("*", serveStatic({ root: dist }));
  }
  app.get("*", (c) => {
    if (!existsSync(index)) {
      return c.text(`The dashboard is not built (no ${index}). Run "npm run build -w @skypanel/web", or start with "npm start".`, 503);
    }
    c.header("Cache-Control", "no-cache");
    return c.html(readFileSync(index, "utf8"));
  });
}
