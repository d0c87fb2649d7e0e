// Where the platform's own Prometheus and Alertmanager keep their files: all under
// `$SKYPANEL_HOME/prometheus/`, readable by the platform's user only (the scrape token is there).
import { join } from "node:path";

export interface EmbeddedPrometheusPaths {
  dir: string;
  /** Written by the platform at each start; edits are lost. */
  prometheusConfig: string;
  /** Prometheus's TSDB. */
  dataDir: string;
  /** The operator's alert rules (`*.yml`), which Prometheus loads and sends to Alertmanager. */
  rulesDir: string;
  /** Written once, when missing: the operator may add receivers to it. */
  alertmanagerConfig: string;
  alertmanagerDataDir: string;
  /** The Bearer token Prometheus scrapes /metrics with (0600). */
  scrapeTokenFile: string;
  /** The scrape token the platform made itself, kept while SKYPANEL_METRICS_TOKEN is unset (0600). */
  generatedTokenFile: string;
  /** The ports chosen when no setting names them, so they stay the same across restarts. */
  portsFile: string;
  prometheusLog: string;
  alertmanagerLog: string;
  prometheusPidFile: string;
  alertmanagerPidFile: string;
}

export function embeddedPrometheusPaths(home: string): EmbeddedPrometheusPaths {
  const dir = join(home, "prometheus");
  return {
    dir,
    prometheusConfig: join(dir, "prometheus.yml"),
    dataDir: join(dir, "data"),
    rulesDir: join(dir, "rules"),
    alertmanagerConfig: join(dir, "alertmanager.yml"),
    alertmanagerDataDir: join(dir, "alertmanager"),
    scrapeTokenFile: join(dir, "scrape-token"),
    generatedTokenFile: join(dir, "generated-scrape-token"),
    portsFile: join(dir, "ports.json"),
    prometheusLog: join(dir, "prometheus.log"),
    alertmanagerLog: join(dir, "alertmanager.log"),
    prometheusPidFile: join(dir, "prometheus.pid"),
    alertmanagerPidFile: join(dir, "alertmanager.pid"),
  };
}
