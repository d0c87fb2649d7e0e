// The configs of the platform's Prometheus and Alertmanager. JSON is YAML, and JSON.stringify
// quotes every path and address correctly, so no YAML is written by hand.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmbeddedPrometheusPaths } from "./paths.ts";

export interface PrometheusConfigInput {
  paths: EmbeddedPrometheusPaths;
  /** host:port of the platform's HTTP server, whose /metrics carries every app's series. */
  target: string;
  alertmanagerPort: number;
  scrapeIntervalSeconds: number;
}

/** Prometheus's config, rewritten at every start. */
export function prometheusConfig(o: PrometheusConfigInput): string {
  const interval = `${o.scrapeIntervalSeconds}s`;
  const config = {
    global: {
      scrape_interval: interval,
      // A scrape may not outlast its interval; /metrics answers in milliseconds.
      scrape_timeout: `${Math.min(o.scrapeIntervalSeconds, 10)}s`,
      evaluation_interval: interval,
    },
    rule_files: [join(o.paths.rulesDir, "*.yml"), join(o.paths.rulesDir, "*.yaml")],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${o.alertmanagerPort}`] }] }] },
    scrape_configs: [
      {
        job_name: "skypanel",
        // The exposition's own app, process_type and instance labels win over Prometheus's target labels.
        honor_labels: true,
        metrics_path: "/metrics",
        scheme: "http",
        // The token stays in its 0600 file, out of this config and out of Prometheus's /config page.
        authorization: { type: "Bearer", credentials_file: o.paths.scrapeTokenFile },
        static_configs: [{ targets: [o.target] }],
      },
    ],
  };
  return `# Written by SkyPanel at each start (SKYPANEL_PROMETHEUS=1): edits here are lost.\n# Alert rules go in ${o.paths.rulesDir}/*.yml.\n${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Alertmanager's config, written only when missing, so receivers an operator adds (email, a
 * webhook, a pager) survive restarts. The default receiver has no integrations: the platform's
 * own alert rules notify through its channels (engine/alerts); Alertmanager routes what the
 * operator's Prometheus rules fire.
 */
export function writeAlertmanagerConfigIfMissing(paths: EmbeddedPrometheusPaths): void {
  if (existsSync(paths.alertmanagerConfig)) return;
  const config = {
    route: { receiver: "none", group_by: ["alertname", "app"] },
    receivers: [{ name: "none" }],
  };
  const text = `# Written once by SkyPanel; yours to edit (receivers: https://prometheus.io/docs/alerting/latest/configuration/).\n# Alerts come from the rules in ${paths.rulesDir}/*.yml.\n${JSON.stringify(config, null, 2)}\n`;
  writeFileSync(paths.alertmanagerConfig, text, { mode: 0o600 });
}
