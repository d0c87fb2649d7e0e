// The platform's own Prometheus and Alertmanager (SKYPANEL_PROMETHEUS=1), children of the
// platform under `$SKYPANEL_HOME/prometheus/`, listening on loopback only. Prometheus scrapes the
// platform's /metrics with the scrape token and sends what the operator's rules fire to
// Alertmanager; the dashboard's charts then read PromQL (../promql.ts) instead of the database.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { type MetricsSource, promqlMetrics } from "../promql.ts";
import { findBinary, type SupervisedChild, startSupervisedChild, stopLeftover } from "./child.ts";
import { prometheusConfig, writeAlertmanagerConfigIfMissing } from "./config-files.ts";
import { EmbeddedPrometheusError } from "./errors.ts";
import { embeddedPrometheusPaths } from "./paths.ts";
import { embeddedPorts } from "./ports.ts";
import { writeSecret } from "./scrape-token.ts";

export { EmbeddedPrometheusError } from "./errors.ts";
export { embeddedPrometheusPaths } from "./paths.ts";
export { keptScrapeToken } from "./scrape-token.ts";

export interface EmbeddedPrometheusSettings {
  /** `--storage.tsdb.retention.time`, like 15d (SKYPANEL_PROMETHEUS_RETENTION). */
  retention: string;
  scrapeIntervalSeconds: number;
  /** Unset: chosen free on the first start and kept in the home. */
  prometheusPort?: number;
  alertmanagerPort?: number;
}

export interface EmbeddedPrometheusOptions extends EmbeddedPrometheusSettings {
  home: string;
  /** host:port of the platform's HTTP server. */
  target: string;
  /** The Bearer token /metrics accepts (keptScrapeToken). */
  scrapeToken: string;
  /** Defaults: Debian's `prometheus` and `prometheus-alertmanager` from PATH. */
  prometheusBinary?: string;
  alertmanagerBinary?: string;
  /** Per server; Prometheus replays its write-ahead log first, which takes a while on a big one. Default 60 s. */
  startTimeoutMs?: number;
  notify?: (message: string) => void;
}

export interface EmbeddedPrometheus {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** The charts' PromQL reader over this Prometheus. */
  metrics: MetricsSource;
  pids(): { prometheus: number | null; alertmanager: number | null };
  /** Stops both (Prometheus first, so it sends nothing to a stopped Alertmanager). */
  stop(): Promise<void>;
}

export async function startEmbeddedPrometheus(o: EmbeddedPrometheusOptions): Promise<EmbeddedPrometheus> {
  const names = { prometheus: o.prometheusBinary ?? "prometheus", alertmanager: o.alertmanagerBinary ?? "prometheus-alertmanager" };
  const prometheusBinary = findBinary(names.prometheus);
  const alertmanagerBinary = findBinary(names.alertmanager);
  if (!prometheusBinary || !alertmanagerBinary) {
    const missing = [prometheusBinary ? null : names.prometheus, alertmanagerBinary ? null : names.alertmanager].filter(Boolean);
    throw new EmbeddedPrometheusError(
      `SKYPANEL_PROMETHEUS=1 runs the platform's own Prometheus and Alertmanager, but ${missing.join(" and ")} cannot be found: set SKYPANEL_PROMETHEUS=1 and run scripts/up.sh as root (it installs Debian's prometheus and prometheus-alertmanager), or unset SKYPANEL_PROMETHEUS.`,
    );
  }

  const paths = embeddedPrometheusPaths(o.home);
  for (const dir of [paths.dir, paths.dataDir, paths.rulesDir, paths.alertmanagerDataDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  const notify = o.notify ?? ((m: string) => console.log(`[prometheus] ${m}`));
  const am = { name: "Alertmanager", pidFile: paths.alertmanagerPidFile, marker: paths.alertmanagerConfig, notify };
  const prom = { name: "Prometheus", pidFile: paths.prometheusPidFile, marker: paths.prometheusConfig, notify };
  // Leftovers of a killed platform go first: they may hold the kept ports.
  await stopLeftover(prom);
  await stopLeftover(am);
  const ports = await embeddedPorts(o.home, { prometheus: o.prometheusPort, alertmanager: o.alertmanagerPort });
  writeSecret(paths.scrapeTokenFile, o.scrapeToken);
  writeFileSync(
    paths.prometheusConfig,
    prometheusConfig({ paths, target: o.target, alertmanagerPort: ports.alertmanager, scrapeIntervalSeconds: o.scrapeIntervalSeconds }),
    { mode: 0o600 },
  );
  writeAlertmanagerConfigIfMissing(paths);

  const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
  const alertmanagerUrl = `http://127.0.0.1:${ports.alertmanager}`;
  const startTimeoutMs = o.startTimeoutMs ?? 60_000;
  const started: SupervisedChild[] = [];
  try {
    started.push(
      await startSupervisedChild({
        ...am,
        binary: alertmanagerBinary,
        args: [
          `--config.file=${paths.alertmanagerConfig}`,
          `--storage.path=${paths.alertmanagerDataDir}`,
          `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
          // No gossip port: one Alertmanager, no cluster to find.
          "--cluster.listen-address=",
        ],
        cwd: paths.alertmanagerDataDir,
        log: paths.alertmanagerLog,
        readyUrl: `${alertmanagerUrl}/-/ready`,
        startTimeoutMs,
      }),
    );
    started.push(
      await startSupervisedChild({
        ...prom,
        binary: prometheusBinary,
        args: [
          `--config.file=${paths.prometheusConfig}`,
          `--storage.tsdb.path=${paths.dataDir}`,
          `--storage.tsdb.retention.time=${o.retention}`,
          `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        ],
        cwd: paths.dir,
        log: paths.prometheusLog,
        readyUrl: `${prometheusUrl}/-/ready`,
        startTimeoutMs,
      }),
    );
  } catch (err) {
    for (const child of started) await child.stop();
    throw err;
  }
  const [alertmanager, prometheus] = started as [SupervisedChild, SupervisedChild];
  return {
    prometheusUrl,
    alertmanagerUrl,
    metrics: promqlMetrics({ url: prometheusUrl, scrapeIntervalSeconds: o.scrapeIntervalSeconds }),
    pids: () => ({ prometheus: prometheus.pid(), alertmanager: alertmanager.pid() }),
    async stop() {
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}
