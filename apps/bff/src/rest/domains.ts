// REST for an app's custom domains: list, add (`{"domain": "www.example.com"}`), check DNS and certificate,
// turn HSTS on or off (`PATCH {"hsts": true}`), remove.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { readJsonObject } from "./respond.ts";
import { type ContextFor, routeWith } from "./route.ts";

export function domainRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);
  const app = (c: HonoContext) => c.req.param("app") ?? "";

  api.get(
    "/",
    route(200, async (caller, c) => ({ domains: await caller.domains.list({ app: app(c) }) })),
  );
  api.post(
    "/",
    route(201, async (caller, c) => caller.domains.add({ app: app(c), domain: (await readJsonObject(c)).domain as never })),
  );
  // Both check the DNS and, once it leads here (with HTTPS configured), ask for the certificate.
  const check = route(200, (caller, c) => caller.domains.check({ app: app(c), domain: c.req.param("domain") ?? "" }));
  api.post("/:domain/check", check);
  api.post("/:domain/ssl", check);
  api.patch(
    "/:domain",
    route(200, async (caller, c) =>
      caller.domains.setHsts({ app: app(c), domain: c.req.param("domain") ?? "", hsts: (await readJsonObject(c)).hsts as never }),
    ),
  );
  api.delete(
    "/:domain",
    route(200, (caller, c) => caller.domains.remove({ app: app(c), domain: c.req.param("domain") ?? "" })),
  );
  return api;
}
