// Prometheus's HTTP service discovery (http_sd_config): where to scrape the platform. Every app's
// numbers are in the platform's own /metrics, labelled by app, so that is the one target; apps
// themselves expose nothing Prometheus could read.
import { TRPCError } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import { z } from "zod";
import { fromTrustedProxy, peerAddress } from "../client-address.ts";
import type { BffConfig } from "../config.ts";
import { scrapeAccess } from "../prometheus.ts";
import { operation } from "./operation.ts";

export const scrapeTargetsSchema = z
  .array(
    z.strictObject({
      targets: z.array(z.string()).meta({ description: "host:port of a /metrics endpoint." }),
      labels: z
        .record(z.string(), z.string())
        .meta({ description: "Labels Prometheus gives the target (`__scheme__`, `__metrics_path__`)." }),
    }),
  )
  .meta({ id: "ScrapeTargets" });

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** The address the scraper reached us at (behind a trusted proxy, the one it was asked for). */
export function selfTarget(c: HonoContext, config: BffConfig): { host: string; scheme: "http" | "https" } {
  const url = new URL(c.req.url);
  const proxied = fromTrustedProxy(peerAddress(c), config.trustedProxies);
  const forwardedHost = proxied ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const https = url.protocol === "https:" || (proxied && c.req.header("x-forwarded-proto") === "https");
  // A made-up header must not become a target that points elsewhere in an odd form.
  const host = forwardedHost && HOST_PORT.test(forwardedHost) ? forwardedHost : url.host;
  return { host, scheme: https ? "https" : "http" };
}

export const prometheusOperations = [
  operation({
    id: "listScrapeTargets",
    method: "get",
    path: "/api/prometheus/targets",
    tag: "metrics",
    summary: "Prometheus scrape targets",
    description:
      "Prometheus's `http_sd_config` format. Read with a platform admin's API token or the scrape token (SKYPANEL_METRICS_TOKEN) as `Authorization: Bearer`; a session is refused.",
    status: 200,
    response: scrapeTargetsSchema,
    answers: "The platform's own /metrics target, which carries every app's series.",
    errors: [403],
    handle: async ({ ctx, c }) => {
      const access = await scrapeAccess(ctx.engine, ctx.config, c.req.raw.headers);
      if (!access.ok) throw new TRPCError({ code: access.status === 401 ? "UNAUTHORIZED" : "FORBIDDEN", message: access.message });
      const self = selfTarget(c, ctx.config);
      return [{ targets: [self.host], labels: { __scheme__: self.scheme, __metrics_path__: "/metrics" } }];
    },
  }),
];
