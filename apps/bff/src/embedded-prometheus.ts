// SKYPANEL_PROMETHEUS=1: the platform's own Prometheus scrapes this server's /metrics with the
// scrape token, and the dashboard's charts read PromQL from it instead of the database.
import { isIP } from "node:net";
import { type EmbeddedPrometheus, type Engine, keptScrapeToken, startEmbeddedPrometheus } from "@skypanel/engine";
import type { BffConfig } from "./config.ts";

/** The token /metrics accepts besides admins' API tokens: SKYPANEL_METRICS_TOKEN, else (with SKYPANEL_PROMETHEUS=1) one kept in the home. */
export function scrapeTokenOf(config: BffConfig): string | null {
  return config.prometheus ? keptScrapeToken(config.home, config.metricsToken) : config.metricsToken;
}

/** host:port this machine reaches the server at: a wildcard address is reached on loopback. */
export function scrapeTarget(host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return isIP(reachable) === 6 ? `[${reachable}]:${port}` : `${reachable}:${port}`;
}

/** Starts the platform's Prometheus and Alertmanager and points the charts at them; null when SKYPANEL_PROMETHEUS is off. */
export async function startPlatformPrometheus(
  engine: Engine,
  config: BffConfig,
  scrapeToken: string,
  options: { startTimeoutMs?: number } = {},
): Promise<EmbeddedPrometheus | null> {
  if (!config.prometheus) return null;
  const prometheus = await startEmbeddedPrometheus({
    ...config.prometheus,
    ...options,
    home: config.home,
    target: scrapeTarget(config.host, config.port),
    scrapeToken,
  });
  engine.metrics.readFrom(prometheus.metrics);
  console.log(`[skypanel] Prometheus at ${prometheus.prometheusUrl}/, Alertmanager at ${prometheus.alertmanagerUrl}/ (loopback only)`);
  return prometheus;
}
