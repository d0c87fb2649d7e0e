// An app in maintenance in the generated Caddy config (pure; apps/bff/src/rest/maintenance.test.ts
// has a real Caddy serving it).
import { describe, expect, it } from "vitest";
import { appRouteId, generateCaddyConfig } from "./caddy-config.ts";
import { InvalidRouteError } from "./errors.ts";
import { MAX_MAINTENANCE_PAGE_BYTES } from "./pages.ts";
import type { AppRoute } from "./types.ts";

// biome-ignore lint/suspicious/noExplicitAny: walking generated JSON in tests
type Json = Record<string, any>;

const placement = { admin: { socketPath: "/srv/skypanel/run/caddy-admin.sock" }, storageRoot: "/srv/skypanel/caddy/data" };
const route = (extra: Partial<AppRoute> = {}): AppRoute => ({
  appName: "calm",
  hostnames: ["www.calm.example"],
  tlsHostnames: ["www.calm.example"],
  upstreams: [{ dial: "10.213.0.2:5000" }],
  policy: "round_robin",
  ...extra,
});
const tls = { httpsPort: 8443, acmeDirectory: "https://127.0.0.1:14000/dir" };
const handlersOf = (c: Json, server: string, id: string) =>
  c.apps.http.servers[server].routes.find((r: Json) => r["@id"] === id).handle[0].routes.flatMap((r: Json) => r.handle);

describe("maintenance routes", () => {
  it("answer every hostname of the app, HTTP and HTTPS, with 503, Retry-After and the page, its braces escaped; no proxy", () => {
    const page = "<style>p { color: red }</style><p>{env.HOME}</p>";
    const c = generateCaddyConfig([route({ maintenance: { page, retryAfterSeconds: 90 } })], { tls }, placement) as Json;
    for (const [server, id] of [
      ["skypanel", appRouteId("calm")],
      ["skypanel-https", `${appRouteId("calm")}-https`],
    ] as const) {
      const handlers = handlersOf(c, server, id);
      expect(handlers.some((h: Json) => h.handler === "reverse_proxy")).toBe(false);
      expect(handlers.at(-1)).toEqual({
        handler: "static_response",
        status_code: 503,
        headers: { "Content-Type": ["text/html; charset=utf-8"], "Cache-Control": ["no-store"], "Retry-After": ["90"] },
        body: "<style>p \\{ color: red \\}</style><p>\\{env.HOME\\}</p>",
      });
    }
    // The certificate is still asked for: maintenance leaves the tls app alone.
    expect(c.apps.tls.certificates.automate).toEqual(["www.calm.example"]);
    // Off again: the proxy is back.
    const off = generateCaddyConfig([route()], {}, placement) as Json;
    expect(handlersOf(off, "skypanel", appRouteId("calm")).some((h: Json) => h.handler === "reverse_proxy")).toBe(true);
  });

  it("refuses a page over the limit and a Retry-After that is not a positive whole number", () => {
    const over = "x".repeat(MAX_MAINTENANCE_PAGE_BYTES + 1);
    expect(() => generateCaddyConfig([route({ maintenance: { page: over, retryAfterSeconds: 60 } })], {}, placement)).toThrow(
      InvalidRouteError,
    );
    expect(() => generateCaddyConfig([route({ maintenance: { page: "<p>x</p>", retryAfterSeconds: 0 } })], {}, placement)).toThrow(
      /Retry-After/,
    );
  });
});
