import { cpus, hostname } from "node:os";
import { join } from "node:path";
import { type Database, type Job, migrateUp, type SqlRunner } from "@skypanel/db";
import { ensureEncryptionKey, updateBuild } from "@skypanel/db/queries";
import type { BackupOptions } from "./addons/backups.ts";
import { createAddonGateway } from "./addons/gateway.ts";
import { type AddonServers, createAddons, gatewayRoutes } from "./addons/index.ts";
import { type AlertOptions, createAlerts } from "./alerts/index.ts";
import { createApps } from "./apps/index.ts";
import { createAudit } from "./audit/index.ts";
import { createAuthCache } from "./auth/auth-cache.ts";
import { createAuth, memoryRateLimiter, type RateLimiter } from "./auth/index.ts";
import { type AutoscalerOptions, createAutoscale } from "./autoscale/index.ts";
import {
  type BuildJobPayload,
  type BuildNetwork,
  createBuilds,
  DEFAULT_BUILD_NETWORK,
  type PipelineDeps,
  prepareWorkRoot,
  runBuild,
  type ScanSettings,
} from "./builds/index.ts";
import { createBuildMaintenance } from "./builds/maintenance.ts";
import { type S3CacheConfig, s3LayerCache } from "./builds/remote-cache.ts";
import { createConfigVars, createKeyRotation } from "./config-vars/index.ts";
import { createDeployments, createPushes, createRunningApps, type RunningApps, type RunningOptions } from "./deploy/index.ts";
import type { EngineDeps } from "./deps.ts";
import { createDomains, type DomainOptions } from "./domains/index.ts";
import { createAppEgress } from "./egress/index.ts";
import { createAppEvents, type EventBus, eventsForApp, memoryEventBus } from "./events/index.ts";
import { createFormation } from "./formation/index.ts";
import { DEFAULT_HEROKU, type HerokuSettings } from "./imports/heroku-run.ts";
import { appJsonRunner, archiveRunner, createImports, herokuRunner, type Imports } from "./imports/service.ts";
import { createJobQueue } from "./jobs/index.ts";
import { createLeadership, type LeaseSettings } from "./leadership/index.ts";
import { createDrains, type DrainOptions } from "./logs/drains/index.ts";
import { createLogRetention, createLogStore, createLogs, DEFAULT_LOG_RETENTION, enforceLogRetention } from "./logs/index.ts";
import { createAppMaintenance } from "./maintenance/index.ts";
import { createMetrics, createPlatformMetrics } from "./metrics/index.ts";
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from "./net/index.ts";
import { type NixEnv, prepareNix } from "./nix/index.ts";
import { createOneOffs } from "./one-offs/index.ts";
import { createPipelines } from "./pipelines/index.ts";
import { createReviewApps, type ReviewApps } from "./pipelines/review/index.ts";
import { createPlatformBackups, type PlatformBackupSettings } from "./platform-backup/index.ts";
import { createReleases } from "./releases/index.ts";
import { DEFAULT_BASE_DOMAIN, DEFAULT_HTTP_PORT } from "./router/index.ts";
import { homeInUse, runtimeName } from "./runtime/name.ts";
import { createSchedules } from "./schedules/index.ts";
import { loadKeyring, type VaultSettings, vaultTransit } from "./secrets/index.ts";
import { createTeams } from "./teams/index.ts";
import { createTraces, createTracing, type TracingSettings } from "./tracing/index.ts";
import { createAppTraffic } from "./traffic/index.ts";
import { createUsers } from "./users/index.ts";

export interface EngineOptions {
  db: Database;
  sql: SqlRunner;
  /** $SKYPANEL_HOME: key files and (for PGlite) the database live here. */
  home: string;
  limiter?: RateLimiter;
  bus?: EventBus;
  now?: () => Date;
  /** Days of app logs kept by apps that set none of their own (default 7). */
  logRetentionDays?: number;
  /** Bytes of log text kept per app by apps that set none of their own (default 100 MiB). */
  logRetentionBytes?: number;
  /** Days audit rows are kept (the hourly upkeep deletes older ones, anchoring the chain); null or unset keeps them forever. */
  auditRetentionDays?: number | null;
  builds?: {
    /** Builds run at once (default: the number of cores). */
    concurrency?: number;
    /** Wall-clock limit of one build (default 30 minutes). */
    timeoutMs?: number;
    /** Toolchain set from nix/toolchains (default "host"). */
    toolchains?: string;
    /** Allow file:// and local-path git sources. Tests only: users must not read the server's disk. */
    allowLocalGit?: boolean;
    /** An S3-compatible bucket shared as a second tier of the dependency cache. */
    remoteCache?: S3CacheConfig | null;
    /** Where unprivileged dependency work happens (default: chosen by prepareWorkRoot). */
    workDir?: string;
    /** Registries, proxy and TLS trust for dependency fetches and git sources (default: the public registries, no proxy). */
    network?: BuildNetwork;
    /** Vulnerability scanning of every build's locked dependencies (default: the public sources; null: off). */
    vulnerabilityScan?: ScanSettings | null;
  };
  /** Running apps (containers, Caddy, deployments). Absent: the engine builds but runs nothing. */
  runtime?: RunningOptions;
  /** Apps answer at `<app>.<baseDomain>` (default: the router's, else `localhost`). */
  baseDomain?: string;
  /** Custom domains' DNS checks: DNS servers asked, the platform's public addresses, how often. */
  domains?: DomainOptions;
  /** Servers managed add-ons are made on; without one, creating that type of add-on is refused. */
  addons?: AddonServers;
  /** Add-on backups' S3 bucket (SKYPANEL_BACKUP_S3_*) and point-in-time recovery (SKYPANEL_ADDON_PITR_*); unset: neither. */
  addonBackups?: Pick<BackupOptions, "bucket" | "pitr">;
  /** How often each add-on's server is checked (healthy or degraded); default 30 s. */
  addonHealthIntervalMs?: number;
  /** HashiCorp Vault's transit engine wraps the data-encryption keys; unset, they are plain files. */
  vault?: VaultSettings;
  /** Where Heroku imports read from (default: Heroku's own APIs). */
  heroku?: Partial<HerokuSettings>;
  /** OpenTelemetry: where spans are exported (none by default), the service name, how long build and deployment spans are kept. */
  tracing?: Partial<TracingSettings>;
  /** Alert rules' evaluation interval, the platform's SMTP server for email channels, delivery bounds. */
  alerts?: Omit<AlertOptions, "bus" | "runtimeEnabled">;
  /** The autoscaler: how often it looks, the metrics window it averages, how long a pushed custom value counts. */
  autoscale?: AutoscalerOptions;
  /** Log drains: the operator's extra CA file, delivery bounds. */
  drains?: DrainOptions;
  /** What requests made for users may reach (default: public addresses only; SKYPANEL_OUTBOUND_ALLOW adds exceptions). */
  outbound?: OutboundPolicy;
  /** Whole-platform backups: what to dump, the passphrase, destinations, schedule; unset: backups are refused. */
  platformBackup?: PlatformBackupSettings | null;
  /**
   * Several control planes on one database: lead by this lease (only the leader runs the queue,
   * the runtime and the schedulers). Unset: this process leads alone, from start() to stop().
   */
  leadership?: LeaseSettings;
  /** How long an authenticated token is remembered (default 5 s; 0 turns the memory off). */
  authCacheTtlMs?: number;
}

/** Migrates the database, opens the keyring, and assembles every engine area. */
export async function createEngine(options: EngineOptions) {
  // Read before the keyring makes its first key: a home in use before keeps the shared runtime name.
  const homeExisted = homeInUse(options.home);
  await migrateUp(options.sql);
  const keyring = await loadKeyring(options.home, options.vault ? vaultTransit(options.vault) : undefined);
  await ensureEncryptionKey(options.db, keyring.currentId);
  const now = options.now ?? (() => new Date());
  const deps: EngineDeps = {
    db: options.db,
    keyring,
    limiter: options.limiter ?? memoryRateLimiter(),
    now,
    baseDomain: options.baseDomain ?? (options.runtime?.router ? options.runtime.router.baseDomain : undefined) ?? DEFAULT_BASE_DOMAIN,
    outbound: options.outbound ?? DEFAULT_OUTBOUND_POLICY,
    authCache: createAuthCache(now, options.authCacheTtlMs),
  };
  const apps = createApps(deps);
  // Scaling wakes the runtime's reconciler once it is attached (engine.runtime, later).
  const formationListeners = new Set<(appId: string) => void>();
  // Only the leader touches the runtime; a follower's changes reach it by its reconcile pass (5 s).
  const leads = () => !options.leadership || leadership.isLeader();
  const bus = options.bus ?? memoryEventBus();
  // The Prometheus exposition (GET /metrics on the BFF); made early, so every area can feed it.
  const prometheus = createPlatformMetrics({
    db: options.db,
    bus,
    onError: (err) => console.error("[metrics] prometheus:", (err as Error).message),
  });
  const logStore = createLogStore(options.sql, bus);
  // Log drains follow the store's lines on the bus, so a slow drain never holds up a write.
  const drains = createDrains(deps, apps, bus, options.drains);
  // Build and deployment spans (kept for the dashboard's waterfall; exported over OTLP when configured).
  const tracing = createTracing({ db: options.db, settings: options.tracing });
  // The tamper-evident audit log; its retention runs in the hourly upkeep in start().
  const audit = createAudit(deps, apps, { retentionDays: options.auditRetentionDays });
  // Each app's own days and bytes, or these defaults; enforced by the hourly upkeep in start().
  const logRetention = createLogRetention(options.db, apps, {
    days: options.logRetentionDays ?? DEFAULT_LOG_RETENTION.days,
    maxBytes: options.logRetentionBytes ?? DEFAULT_LOG_RETENTION.maxBytes,
  });
  let logJanitor: NodeJS.Timeout | null = null;
  let reviewSweep: NodeJS.Timeout | null = null;
  const buildTimeoutMs = options.builds?.timeoutMs ?? 30 * 60_000;
  const remoteCache = options.builds?.remoteCache ? s3LayerCache(options.builds.remoteCache) : null;
  // Checked now, so a work folder the build user cannot reach stops the start with the fix,
  // rather than failing every build. Builds need root (Nix's store), so only then.
  const workRoot = process.getuid?.() === 0 ? prepareWorkRoot(options.home, options.builds?.workDir) : null;
  // Nix is prepared when the queue starts, so an engine without Nix still serves everything else.
  let nix: Promise<NixEnv> | null = null;
  const nixEnv = () => {
    nix ??= prepareNix(options.home, options.builds?.toolchains);
    return nix;
  };
  const pipeline = async (): Promise<PipelineDeps> => ({
    db: options.db,
    nix: await nixEnv(),
    bus,
    home: options.home,
    workRoot: workRoot?.dir ?? join(options.home, "work"),
    reposDir: join(options.home, "git"),
    stepTimeoutMs: buildTimeoutMs,
    allowLocalGit: options.builds?.allowLocalGit ?? false,
    remoteCache,
    network: options.builds?.network ?? DEFAULT_BUILD_NETWORK,
    outbound: deps.outbound,
    tracing,
    vulnerabilityScan: options.builds?.vulnerabilityScan,
  });
  const queue = createJobQueue({
    db: options.db,
    concurrency: options.builds?.concurrency ?? cpus().length,
    hostId: `${hostname()}:${options.home}`,
    handlers: {
      build: {
        timeoutMs: buildTimeoutMs,
        run: async (job, signal) => {
          const payload = job.payload as unknown as BuildJobPayload;
          // Without Nix the build cannot start; say so on the build instead of leaving it queued.
          const deps = await pipeline().catch(async (err: Error) => {
            await markBuildAbandoned(options.db, payload, err.message);
            throw err;
          });
          return runBuild(deps, payload, signal);
        },
        onAbandoned: (job, reason) => markBuildAbandoned(options.db, job.payload as { buildId?: string }, reason),
      },
      ...(options.runtime
        ? {
            deploy: {
              timeoutMs: 30 * 60_000,
              run: async (job: Job, signal: AbortSignal) => {
                if (!running) throw new Error("the runtime is not ready");
                return running.run((job.payload as { deploymentId: string }).deploymentId, signal);
              },
              onAbandoned: async (job: Job, reason: string) => {
                await deployments.markFailed((job.payload as { deploymentId: string }).deploymentId, reason);
              },
            },
          }
        : {}),
      "review-app": {
        // Making a review app builds, deploys and runs its postdeploy; a restart resumes it.
        timeoutMs: 60 * 60_000,
        run: (job: Job, signal: AbortSignal) => {
          if (!reviewApps) throw new Error("review apps are not ready");
          return reviewApps.run(job, signal);
        },
        onAbandoned: async (job: Job, reason: string) => {
          await reviewApps?.abandoned(job, reason);
        },
      },
      import: {
        // A Heroku slug download and a large restore can take long; a restart resumes where it was.
        timeoutMs: 2 * 60 * 60_000,
        run: (job: Job, signal: AbortSignal) => {
          if (!imports) throw new Error("imports are not ready");
          return imports.run(job, signal);
        },
        onAbandoned: async (job: Job, reason: string) => {
          await imports?.abandoned(job, reason);
        },
      },
    },
  });
  let imports: Imports | null = null;
  let reviewApps: ReviewApps | null = null;
  const builds = createBuilds(deps, apps, { queue, bus, home: options.home, allowLocalGit: options.builds?.allowLocalGit ?? false });
  const releases = createReleases(deps, apps);
  const formation = createFormation(
    deps,
    apps,
    (appId) => {
      for (const listener of formationListeners) listener(appId);
    },
    bus,
  );
  const runtimeOptions = options.runtime
    ? { ...options.runtime, cgroupParent: options.runtime.cgroupParent ?? runtimeName(options.home, homeExisted) }
    : null;
  const running: RunningApps | null = runtimeOptions
    ? createRunningApps(runtimeOptions, {
        db: options.db,
        home: options.home,
        bus,
        logStore,
        releases,
        formation,
        nixEnv,
        prometheus,
        tracing,
      })
    : null;
  const deployments = createDeployments(deps, apps, builds, releases, { queue, bus, runtimeEnabled: Boolean(running) });
  const egress = createAppEgress(options.db, apps, (appId) =>
    (running?.supervisor.forApp(appId) ?? []).flatMap((m) => (m.handle ? [m.handle] : [])),
  );
  // A saved traffic policy changes only Caddy's routes, like a domain.
  const traffic = createAppTraffic(options.db, apps, {
    routerBuild: () => (running?.router && options.runtime?.router ? (options.runtime.router.caddy?.build ?? "debian") : null),
    onChange: () => void (leads() && running?.manager.syncRoutes()),
  });
  // Maintenance mode too changes only Caddy's routes; set() waits until Caddy serves the change.
  const maintenanceMode = createAppMaintenance(options.db, apps, {
    bus,
    routed: Boolean(running?.router),
    onChange: async () => {
      if (leads()) await running?.manager.syncRoutes();
    },
  });
  const oneOffs = createOneOffs(options.db, apps, releases, formation, { running, logStore, bus });
  // Scheduled jobs run as one-offs; only a platform that runs apps runs them (the leader's loop).
  const schedules = createSchedules(deps, apps, { bus, oneOffs, runtimeEnabled: Boolean(running) });
  // Promotion deploys one stage's build to the next through releases and deployments.
  const pipelines = createPipelines(deps, { apps, releases, deployments, appUrl: (name) => running?.appUrl(name) ?? null });
  if (running) {
    const reconcile = (appId: string) => void (leads() && running.reconcile(appId).catch((err) => console.error("[reconcile]", err)));
    formationListeners.add(reconcile);
    // A deleted app stops answering now, not at the next periodic pass: its instances are
    // stopped and its routes dropped right after the delete.
    apps.onDeleted(async () => {
      if (!leads()) return;
      await running.manager.reconcileAll();
      await running.manager.syncRoutes();
    });
  }
  // A domain added or removed changes only Caddy's routes; no instance starts or stops.
  const domains = createDomains(
    deps,
    apps,
    () => void (leads() && running?.manager.syncRoutes()),
    options.domains,
    () => (running?.router?.tlsEnabled ? running.router : null),
  );
  const config = createConfigVars(deps, apps, { releases, deployments });
  // Apps in containers reach add-on servers through the gateway; process-mode apps share the host's network.
  const inContainers = Boolean(options.runtime && options.runtime.mode !== "process");
  const routes = gatewayRoutes(options.addons ?? {});
  const gatewayPorts = inContainers ? new Map(routes.map((r) => [r.type, r.route.port])) : null;
  const addons = createAddons(deps, apps, config, options.addons, { home: options.home, ...options.addonBackups }, bus, gatewayPorts);
  const addonGateway = inContainers ? createAddonGateway(routes.map((r) => r.route)) : null;
  const routerSettings = options.runtime?.router || null;
  const routerAddress = routerSettings
    ? { host: "127.0.0.1", port: routerSettings.httpPort ?? DEFAULT_HTTP_PORT, baseDomain: deps.baseDomain }
    : null;
  const autoscale = createAutoscale(deps, apps, formation, bus, options.autoscale);
  const alerts = createAlerts(deps, apps, { ...options.alerts, bus, runtimeEnabled: Boolean(running) });
  const importParts = {
    db: options.db,
    apps,
    config,
    addons,
    domains,
    builds,
    deployments,
    formation,
    oneOffs,
    releases,
    autoscale,
    nixEnv,
    home: options.home,
    router: routerAddress,
  };
  const platformBackups = createPlatformBackups(deps, { home: options.home, nixEnv }, options.platformBackup ?? null);
  const heroku: HerokuSettings = { ...DEFAULT_HEROKU, ...options.heroku, outbound: deps.outbound };
  imports = createImports(deps, importParts, {
    queue,
    home: options.home,
    heroku,
    appUrl: (name) =>
      routerAddress ? `http://${name}.${routerAddress.baseDomain}${routerAddress.port === 80 ? "" : `:${routerAddress.port}`}/` : null,
  });
  imports.register("heroku", herokuRunner(importParts, imports, heroku));
  imports.register("app-json", appJsonRunner(importParts));
  imports.register("archive", archiveRunner(importParts, imports));
  // Review apps are made as app.json setups are: the same steps, driven by a pipeline.
  const reviewAppService = createReviewApps(
    deps,
    { ...importParts, appUrl: (name) => running?.appUrl(name) ?? null },
    { queue, reposDir: join(options.home, "git"), allowLocalGit: options.builds?.allowLocalGit ?? false },
  );
  reviewApps = reviewAppService;
  // What only the leader runs: the queue, the runtime, the schedulers and the upkeep. Alone (no
  // lease) this process simply leads; with a lease, these start on taking it and stop on losing it.
  const leaderServices = {
    async start() {
      const upkeep = async () => {
        await logStore.ensurePartitions();
        await logStore.flush();
        await enforceLogRetention(options.sql, logStore, logRetention.defaults);
        await tracing.prune();
        await audit.sweep();
      };
      await upkeep();
      logJanitor = setInterval(() => void upkeep().catch((err) => console.error("[logs] upkeep failed:", err)), 3_600_000);
      logJanitor.unref();
      await queue.start();
      await addonGateway?.start();
      if (running) await oneOffs.recover();
      await running?.start();
      if (running) await schedules.scheduler.start();
      domains.startChecks();
      alerts.start();
      // Only a platform that runs apps scales them.
      if (running) autoscale.autoscaler.start();
      await addons.backups.startSchedule();
      addons.health.start(options.addonHealthIntervalMs);
      await platformBackups.startSchedule();
      // Review apps past their time to live are destroyed by the leader alone.
      reviewSweep = setInterval(() => void reviewAppService.sweep().catch((err) => console.error("[review-apps] sweep:", err)), 60_000);
      reviewSweep.unref();
    },
    async stop() {
      if (logJanitor) clearInterval(logJanitor);
      if (reviewSweep) clearInterval(reviewSweep);
      await domains.stopChecks();
      await alerts.stop();
      await autoscale.autoscaler.stop();
      await addons.backups.stopSchedule();
      await addons.pitr.stop();
      await addons.health.stop();
      await platformBackups.stopSchedule();
      await schedules.scheduler.stop();
      await oneOffs.stopAll();
      await schedules.scheduler.settled();
      await running?.stop();
      await addonGateway?.stop();
      await queue.stop({ interrupt: true });
    },
  };
  const leadership = createLeadership({
    holder: `${hostname()}:${options.home}`,
    db: options.db,
    lease: options.leadership ?? null,
    lead: leaderServices.start,
    follow: leaderServices.stop,
  });
  return {
    deps,
    bus,
    queue,
    events: {
      forApp: <T extends Parameters<typeof eventsForApp>[2][number]>(appId: string, types: T[], signal?: AbortSignal) =>
        eventsForApp(bus, appId, types, signal),
      ...createAppEvents(apps, bus),
    },
    /** Starts background work: as the leader (alone, or once it holds the lease) the queue, the runtime and the schedulers. */
    async start() {
      await leadership.start();
    },
    /** Stops background work; running builds are interrupted and run again at the next start. */
    async stop() {
      await leadership.stop();
      await logStore.flush();
      await drains.stop();
      await tracing.flush();
    },
    /** Which control plane on this database leads (the lease), and whether this one does. */
    leadership,
    /** Where unprivileged build work happens, and why there; null when not root (no builds). */
    workRoot,
    /** Running apps; null when the engine was made without a runtime. */
    running,
    deployments,
    /** `git push` to an app's repository: main and master build (and deploy); review/<name> make review apps; others are kept. */
    pushes: createPushes(builds, deployments, reviewAppService),
    oneOffs,
    /** Scheduled jobs: commands run as one-offs on a cron schedule in a time zone, and their runs. */
    schedules,
    /** Apps brought in whole: from Heroku, another SkyPanel's export, or a source's app.json. */
    imports,
    /** Apps grouped by stage (development, staging, production) and promotion between them. */
    pipelines,
    /** Review apps: one per branch or pull request of a pipeline, from the API, a push or the webhook. */
    reviewApps: reviewAppService,
    logStore,
    logs: createLogs(apps, logStore, bus),
    /** Each app's log retention (days and bytes), enforced hourly. */
    logRetention,
    /** Where an app's log lines are also sent: syslog over TLS, HTTPS NDJSON. */
    drains,
    maintenance: createBuildMaintenance(options.db, nixEnv),
    builds,
    auth: createAuth(deps),
    users: createUsers(deps),
    teams: createTeams(deps),
    apps,
    config,
    addons,
    /** Whole-platform backups (platform admins): back up now, the list, the schedule. */
    platformBackups,
    /** Master key rotation (platform admins). */
    keys: createKeyRotation(deps),
    releases,
    formation,
    autoscale,
    /** Alert rules, notification channels and the alert history. */
    alerts,
    /** Each app's rate and in-flight limits per client address, body size cap and WAF, at the router. */
    traffic,
    /** Each app's maintenance mode: the router answers 503 with its page while its instances keep running. */
    maintenanceMode,
    domains,
    /** What each app's instances may reach outside the platform (deny, allow, allowlist). */
    egress,
    onFormationChange(listener: (appId: string) => void) {
      formationListeners.add(listener);
      return () => formationListeners.delete(listener);
    },
    audit,
    /** The control plane's OpenTelemetry tracer (request, build and deployment spans). */
    tracing,
    /** Build and deployment step waterfalls, from their kept spans. */
    traces: createTraces(tracing, builds, deployments),
    metrics: createMetrics(deps, apps),
    /** The platform's and the apps' metrics in Prometheus's text format. */
    prometheus,
  };
}

export type Engine = Awaited<ReturnType<typeof createEngine>>;

async function markBuildAbandoned(db: Database, payload: { buildId?: string }, reason: string) {
  if (payload.buildId) await updateBuild(db, payload.buildId, { status: "failed", error: reason, finishedAt: new Date() });
}
