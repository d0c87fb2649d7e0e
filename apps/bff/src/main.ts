// The platform as one process: migrate, set up the first admin if asked, serve.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { DatabaseConnectError, dbOptionsFromEnv, MigrationError, openDatabase } from "@skypanel/db";
import {
  CustomCaddyMissingError,
  checkRouterPorts,
  chooseCaddy,
  createEngine,
  EmbeddedPrometheusError,
  localAddonServers,
  openSharedRedis,
  outboundPolicy,
  PortsHeldError,
  WorkRootError,
} from "@skypanel/engine";
import { ConfigError, loadConfig } from "./config.ts";
import { scrapeTokenOf, startPlatformPrometheus } from "./embedded-prometheus.ts";
import { serveOneOffAttach } from "./one-off-attach.ts";
import { createApp } from "./server.ts";
import { PLATFORM_VERSION } from "./version.ts";

async function main() {
  const config = loadConfig();
  const caddy = config.runtime === "off" ? null : chooseCaddy(config.caddy ?? "auto");
  const router = {
    ...(caddy ? { caddy } : {}),
    httpPort: config.httpPort,
    baseDomain: config.baseDomain,
    ...(config.tls ? { tls: config.tls } : {}),
    ...(config.localTls ? { localTls: config.localTls } : {}),
  };
  // Before anything is made: another platform's Caddy on our ports refuses the start.
  if (config.runtime !== "off") await checkRouterPorts({ home: config.home, settings: router });
  const conn = await openDatabase(dbOptionsFromEnv({ DATABASE_URL: config.databaseUrl }, config.home));
  console.log(`[skypanel] database: ${conn.driver} at ${conn.location}`);
  const addons = await addonServers(config);
  // Several control planes on one PostgreSQL share Redis (events, rate limits) and lead by lease.
  const shared = config.redis ? await openSharedRedis(config.redis) : null;
  if (shared) console.log(`[skypanel] events and rate limits shared through Redis${config.redis?.sentinels ? " (Sentinel)" : ""}`);
  const engine = await createEngine({
    ...(shared ? { bus: shared.bus, limiter: shared.limiter } : {}),
    ...(conn.driver === "postgres" && config.lease ? { leadership: config.lease } : {}),
    db: conn.db,
    sql: conn.sql,
    home: config.home,
    baseDomain: config.baseDomain,
    domains: { dnsServers: config.dnsServers, publicIps: config.publicIps },
    addons,
    heroku: config.heroku,
    tracing: config.tracing,
    alerts: config.alerts,
    autoscale: { intervalMs: config.autoscale.intervalMs },
    drains: { caFile: config.drainCaFile },
    outbound: outboundPolicy({ allow: config.outboundAllow }),
    auditRetentionDays: config.auditRetentionDays ?? null,
    platformBackup: {
      source: conn.source,
      passphrase: config.platformBackup.passphrase,
      destinations: { dir: config.platformBackup.dir, s3: config.platformBackup.s3 },
      schedule: config.platformBackup.schedule,
      keep: config.platformBackup.keep,
      platformVersion: PLATFORM_VERSION,
    },
    addonHealthIntervalMs: config.addonHealthIntervalMs,
    // Add-on backups are copied to the platform backups' bucket (SKYPANEL_BACKUP_S3_*), under <prefix>/addon-backups/.
    addonBackups: { bucket: config.platformBackup.s3, pitr: config.addons.pitr ?? null },
    ...(config.vault ? { vault: config.vault } : {}),
    builds: {
      concurrency: config.buildConcurrency,
      timeoutMs: config.buildTimeoutMs,
      remoteCache: config.remoteCache,
      toolchains: config.toolchains,
      network: config.buildNetwork,
      ...(config.workDir ? { workDir: config.workDir } : {}),
    },
    runtime: config.runtime === "off" ? undefined : { mode: config.runtime, router, metricsIntervalMs: config.autoscale.metricsIntervalMs },
  });
  if (engine.workRoot && engine.workRoot.reason !== "inside SKYPANEL_HOME")
    console.log(`[skypanel] build work folder ${engine.workRoot.dir} (${engine.workRoot.reason})`);
  await engine.start();

  if (config.admin) {
    const admin = await engine.users.createFirstAdmin(config.admin);
    if (admin) console.log(`[skypanel] created the first admin ${admin.email}`);
  } else if ((await engine.users.count()) === 0) {
    console.log("[skypanel] no users yet: open the dashboard to create the first admin");
  }

  // SKYPANEL_PROMETHEUS=1: the platform's own Prometheus scrapes /metrics (first scrapes fail until it listens).
  const metricsToken = scrapeTokenOf(config);
  const prometheus = await startPlatformPrometheus(engine, config, metricsToken ?? "");
  const app = createApp(engine, { ...config, metricsToken });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.log(`[skypanel] dashboard and API on http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${info.port}/`);
    if (config.runtime !== "off") {
      console.log(`[skypanel] apps run in ${config.runtime} mode at http://<app>.${config.baseDomain}:${config.httpPort}/`);
      if (caddy)
        console.log(
          caddy.build === "custom"
            ? `[skypanel] router: SkyPanel's Caddy (${caddy.reason}): rate limits, in-flight limits, body size limits and the WAF`
            : `[skypanel] router: Debian's Caddy (${caddy.reason}): body size limits only; rate limits and the WAF need SKYPANEL_CADDY=custom`,
        );
      if (config.localTls)
        console.log(
          `[skypanel] and at https://<app>.${config.baseDomain}:${config.localTls.httpsPort}/ with Caddy's local CA (trust ${config.home}/caddy/data/pki/authorities/local/root.crt)`,
        );
      if (config.tls)
        console.log(`[skypanel] custom domains get certificates from ${config.tls.acmeDirectory}, HTTPS on :${config.tls.httpsPort}`);
      if (config.runtime === "process") console.warn("[skypanel] process mode isolates nothing: use it for development only");
    }
  });

  serveOneOffAttach(server as Server, engine, config);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[skypanel] ${signal}: stopping`);
    server.close(async () => {
      // Normally apps keep serving without the control plane, and the next start adopts them.
      if (config.stopAppsOnExit) await engine.running?.shutdown();
      await prometheus?.stop();
      await engine.stop();
      await shared?.close();
      await conn.close();
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open; busy ones finish their request.
    if ("closeIdleConnections" in server) server.closeIdleConnections();
    // A client that never finishes its request must not hold the stop forever.
    setTimeout(() => process.exit(0), config.stopAppsOnExit ? 20_000 : 5000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** The add-on servers: the operator's URLs, else (by default, as root) this machine's own. */
async function addonServers(config: ReturnType<typeof loadConfig>) {
  const { postgresUrl, redisUrl, gatewayPorts, localServers } = config.addons;
  if (!localServers || process.getuid?.() !== 0) return { postgresUrl, redisUrl, gatewayPorts };
  const local = await localAddonServers({ home: config.home, postgresql: !postgresUrl, redis: !redisUrl });
  for (const note of local.notes) console.log(`[skypanel] ${note}`);
  return { postgresUrl: postgresUrl ?? local.postgresUrl, redisUrl: redisUrl ?? local.redisUrl, gatewayPorts };
}

main().catch((err) => {
  // Problems the operator can fix get one clear line; anything else, the whole stack.
  const known =
    err instanceof ConfigError ||
    err instanceof DatabaseConnectError ||
    err instanceof MigrationError ||
    err instanceof WorkRootError ||
    err instanceof PortsHeldError ||
    err instanceof CustomCaddyMissingError ||
    err instanceof EmbeddedPrometheusError;
  console.error(known ? `[skypanel] ${err.message}` : err);
  process.exit(1);
});
