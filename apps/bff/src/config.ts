// The one place the BFF reads process.env. Every setting is documented in README.md.

import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUILD_NETWORK_SETTINGS,
  type BuildNetwork,
  buildNetwork,
  DEFAULT_HEROKU,
  type EmbeddedPrometheusSettings,
  type HerokuSettings,
  isOutboundAllowEntry,
  type TracingSettings,
  TracingSettingsError,
  tracingSettingsFromEnv,
} from "@skypanel/engine";
import { z } from "zod";
import { type BackupConfig, backupConfigFromEnv } from "./backup-config.ts";
import { isTrustedProxyItem } from "./client-address.ts";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** A comma-separated list (spaces allowed), each item checked. */
const list = (check: (item: string) => boolean, message: string) =>
  z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine((items) => items.every(check), message);

const AUDIT_RETENTION_RULE =
  "SKYPANEL_AUDIT_RETENTION_DAYS is a whole number of days from 1 to 36500, or empty to keep the audit log forever";

const schema = z.object({
  SKYPANEL_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SKYPANEL_HOST: z.string().min(1).default("127.0.0.1"),
  SKYPANEL_HOME: z.string().min(1).default(".skypanel"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_ADMIN_EMAIL: z.string().optional(),
  SKYPANEL_ADMIN_PASSWORD: z.string().optional(),
  SKYPANEL_WEB_DIST: z.string().optional(),
  // Deprecated: SKYPANEL_TRUST_PROXY=1 means SKYPANEL_TRUSTED_PROXIES=loopback (a proxy on this machine).
  SKYPANEL_TRUST_PROXY: flag,
  SKYPANEL_TRUSTED_PROXIES: list(
    isTrustedProxyItem,
    "SKYPANEL_TRUSTED_PROXIES must be addresses or CIDRs (10.0.0.0/8), or loopback, linklocal, uniquelocal, separated by commas",
  ),
  SKYPANEL_SECURE_COOKIES: flag,
  SKYPANEL_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(200),
  SKYPANEL_BUILD_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  SKYPANEL_BUILD_TIMEOUT_MIN: z.coerce.number().int().min(1).max(1440).default(30),
  SKYPANEL_CACHE_S3_ENDPOINT: z.string().url().optional(),
  SKYPANEL_CACHE_S3_BUCKET: z.string().optional(),
  SKYPANEL_CACHE_S3_REGION: z.string().default("us-east-1"),
  SKYPANEL_CACHE_S3_ACCESS_KEY_ID: z.string().optional(),
  SKYPANEL_CACHE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SKYPANEL_CACHE_S3_PREFIX: z.string().default("skypanel"),
  SKYPANEL_TOOLCHAINS: z.enum(["host", "nixpkgs"]).default("host"),
  SKYPANEL_RUNTIME: z.enum(["nspawn", "bwrap", "process", "off"]).optional(),
  SKYPANEL_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  SKYPANEL_STOP_APPS_ON_EXIT: flag,
  SKYPANEL_BASE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, "SKYPANEL_BASE_DOMAIN must be a DNS name like localhost or apps.example.com")
    .default("localhost"),
  SKYPANEL_DNS_SERVERS: list(
    (s) => isIP(s.replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/^([\d.]+):\d+$/, "$1")) !== 0,
    "SKYPANEL_DNS_SERVERS must be IP addresses (with an optional :port), separated by commas",
  ),
  SKYPANEL_PUBLIC_IPS: list((s) => isIP(s) !== 0, "SKYPANEL_PUBLIC_IPS must be IP addresses separated by commas"),
  SKYPANEL_ACME_DIRECTORY: z
    .string()
    .regex(/^https:\/\/\S+$/, "SKYPANEL_ACME_DIRECTORY must be an https:// URL of an ACME directory")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_ACME_CA_ROOTS: list((s) => s.startsWith("/"), "SKYPANEL_ACME_CA_ROOTS must be absolute paths of PEM files, separated by commas"),
  SKYPANEL_ACME_EMAIL: z.string().optional(),
  SKYPANEL_HTTPS_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  SKYPANEL_LOCAL_TLS: z.enum(["auto", "on", "off"], { message: "SKYPANEL_LOCAL_TLS is auto, on or off" }).default("auto"),
  // Which Caddy serves apps: auto takes SkyPanel's build when it is built on this machine (router/custom-caddy.ts).
  SKYPANEL_CADDY: z.enum(["auto", "custom", "debian"], { message: "SKYPANEL_CADDY is auto, custom or debian" }).default("auto"),
  SKYPANEL_ADDON_POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "SKYPANEL_ADDON_POSTGRES_URL must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_HEROKU_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, "SKYPANEL_HEROKU_API_URL must be an http(s):// URL")
    .default(DEFAULT_HEROKU.apiUrl),
  SKYPANEL_HEROKU_DATA_API_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, "SKYPANEL_HEROKU_DATA_API_URL must be an http(s):// URL")
    .default(DEFAULT_HEROKU.dataApiUrl),
  SKYPANEL_ADDON_REDIS_URL: z
    .string()
    .regex(/^redis:\/\//, "SKYPANEL_ADDON_REDIS_URL must be a redis:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Two control planes: the event bus and the rate limits in Redis (a URL, or Sentinel), the leadership lease.
  SKYPANEL_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S*$/, "SKYPANEL_REDIS_URL must be a redis:// or rediss:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_REDIS_SENTINELS: list(
    (s) => /^[^\s:,[\]]+:\d{1,5}$/.test(s) || /^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(s),
    "SKYPANEL_REDIS_SENTINELS must be host:port pairs (Redis Sentinels), separated by commas",
  ),
  SKYPANEL_REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "SKYPANEL_REDIS_SENTINEL_NAME is the name of the Sentinels' master set, like mymaster")
    .default("mymaster"),
  SKYPANEL_LEASE_TTL_SECONDS: z.coerce.number().min(2).max(300).default(10),
  SKYPANEL_LEASE_RENEW_SECONDS: z.coerce.number().min(0.2).max(60).default(2),
  SKYPANEL_ADDON_LOCAL_SERVERS: z.enum(["auto", "off"], { message: "SKYPANEL_ADDON_LOCAL_SERVERS is auto or off" }).default("auto"),
  // Point-in-time recovery of PostgreSQL add-ons: the folder the server's archive_command fills, and a working folder.
  SKYPANEL_ADDON_PITR_ARCHIVE_DIR: z.string().regex(/^\//, "SKYPANEL_ADDON_PITR_ARCHIVE_DIR must be an absolute path").optional(),
  SKYPANEL_ADDON_PITR_DIR: z.string().regex(/^\//, "SKYPANEL_ADDON_PITR_DIR must be an absolute path").optional(),
  SKYPANEL_ADDON_PITR_SOCKET_DIR: z
    .string()
    .regex(/^\//, "SKYPANEL_ADDON_PITR_SOCKET_DIR must be an absolute path")
    .default("/var/run/postgresql"),
  SKYPANEL_WORK_DIR: z
    .string()
    .regex(/^\//, "SKYPANEL_WORK_DIR must be an absolute path")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: z.coerce.number().int().min(15400).max(15499).default(15432),
  SKYPANEL_ADDON_REDIS_GATEWAY_PORT: z.coerce.number().int().min(15400).max(15499).default(15479),
  SKYPANEL_VAULT_ADDR: z
    .string()
    .regex(/^https?:\/\/\S+$/, "SKYPANEL_VAULT_ADDR must be Vault's http(s):// address")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_VAULT_TOKEN: z.string().optional(),
  SKYPANEL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, "SKYPANEL_SMTP_URL must be an smtp:// or smtps:// URL, like smtp://user:password@mail.example.com:587")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_SMTP_FROM: z.string().email("SKYPANEL_SMTP_FROM must be an email address").default("skypanel@localhost"),
  SKYPANEL_ALERTS_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SKYPANEL_AUTOSCALE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  SKYPANEL_METRICS_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  // Unset or empty: the audit log is kept forever (it is evidence; deleting it is the operator's choice).
  SKYPANEL_AUDIT_RETENTION_DAYS: z
    .string()
    .regex(/^(\d{1,5})?$/, AUDIT_RETENTION_RULE)
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .refine((v) => v === undefined || (v >= 1 && v <= 36_500), AUDIT_RETENTION_RULE),
  SKYPANEL_VAULT_TRANSIT_MOUNT: z.string().default("transit"),
  SKYPANEL_VAULT_TRANSIT_KEY: z.string().default("skypanel"),
  // Certificate authorities (PEM) log drains trust besides Node's own: a syslog server or HTTPS endpoint with a private CA.
  SKYPANEL_OUTBOUND_ALLOW: list(
    isOutboundAllowEntry,
    "SKYPANEL_OUTBOUND_ALLOW must be CIDRs (10.0.0.0/8), addresses, host names or *.domain names, separated by commas",
  ),
  SKYPANEL_DRAIN_CA_FILE: z
    .string()
    .optional()
    .transform((v) => (v ? resolve(v) : undefined))
    .refine((v) => v === undefined || (existsSync(v) && statSync(v).isFile()), "SKYPANEL_DRAIN_CA_FILE must name a PEM file that exists"),
  SKYPANEL_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, "SKYPANEL_METRICS_TOKEN must be 16 to 512 printable characters without spaces")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // The platform's own Prometheus and Alertmanager (engine/metrics/embedded-prometheus); the charts then read PromQL.
  SKYPANEL_PROMETHEUS: flag,
  SKYPANEL_PROMETHEUS_RETENTION: z
    .string()
    .regex(/^(\d+(y|w|d|h|ms|m|s))+$/, "SKYPANEL_PROMETHEUS_RETENTION is a Prometheus duration like 15d, 12h or 1w")
    .default("15d")
    .or(z.literal("").transform(() => "15d")),
  SKYPANEL_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  SKYPANEL_PROMETHEUS_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SKYPANEL_ALERTMANAGER_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // PIP_INDEX_URL, GOPROXY, SKYPANEL_CARGO_REGISTRY, SKYPANEL_MAVEN_REPOSITORY_URL, SKYPANEL_RUBYGEMS_URL, the proxies, SSL_CERT_FILE/_DIR.
  ...BUILD_NETWORK_SETTINGS.shape,
});

export interface BffConfig {
  port: number;
  host: string;
  home: string;
  databaseUrl: string | undefined;
  admin: { email: string; password: string } | null;
  webDist: string;
  /**
   * Proxies whose X-Forwarded-For/-Proto/-Host entries are believed (client-address.ts): the client
   * is the rightmost hop that is not one of them. Empty: the socket's peer is the client.
   */
  trustedProxies: string[];
  /** Mark cookies Secure; on when the dashboard is served over HTTPS. */
  secureCookies: boolean;
  /** Largest source archive a build accepts. */
  maxUploadBytes: number;
  /** Builds at once (default: cores) and the time limit of each. */
  buildConcurrency: number | undefined;
  buildTimeoutMs: number;
  /** How apps run: containers (nspawn, bwrap), plain processes (development only), or not at all. */
  runtime: "nspawn" | "bwrap" | "process" | "off";
  /** Apps answer at http://<app>.<baseDomain>:<httpPort>/ through Caddy. */
  httpPort: number;
  baseDomain: string;
  /** DNS servers the custom-domain checks ask (empty: the system's). */
  dnsServers: string[];
  /** The platform's public addresses: a custom domain's A/AAAA records may point at them instead of a CNAME. */
  publicIps: string[];
  /**
   * HTTPS for custom domains whose DNS is ok: certificates from this ACME directory, served on
   * httpsPort. Null (no SKYPANEL_ACME_DIRECTORY): apps are served over HTTP only.
   */
  tls: { httpsPort: number; acmeDirectory: string; acmeTrustedRoots: string[]; acmeEmail?: string } | null;
  /** The apps' `<app>.<base domain>` names over HTTPS with certificates from Caddy's local CA; null: HTTP only. */
  localTls: { httpsPort: number } | null;
  /** On SIGTERM/SIGINT also stop every app instance and Caddy (tests); normally they keep serving. */
  stopAppsOnExit: boolean;
  /** SKYPANEL_CADDY: SkyPanel's Caddy build (rate limits, WAF), Debian's (body size limit only), or auto. */
  caddy?: "auto" | "custom" | "debian";
  /** Where Heroku imports read Heroku's Platform API and its Postgres API. */
  heroku: HerokuSettings;
  /** Which toolchain set from nix/toolchains the buildpacks get. */
  toolchains: "host" | "nixpkgs";
  /** Admin URLs of the servers managed add-ons are made on; an unset one refuses that type of add-on. */
  addons: {
    postgresUrl?: string;
    redisUrl?: string;
    gatewayPorts: { postgresql: number; redis: number };
    /** Use this machine's PostgreSQL and Redis (a role and user of the platform's own) for types with no URL. */
    localServers: boolean;
    /** Point-in-time recovery on the PostgreSQL add-on server (SKYPANEL_ADDON_PITR_*); null: off. */
    pitr?: { archiveDir: string; dir: string; socketDir: string } | null;
  };
  /** Where unprivileged build work happens; unset: chosen at start (engine/builds/work-root.ts). */
  workDir: string | undefined;
  /** Vault's transit engine wrapping the data-encryption keys, when SKYPANEL_VAULT_ADDR is set. */
  vault: { address: string; token: string; mount: string; keyName: string } | null;
  /** How builds reach the network: registries or mirrors, proxy, TLS trust. */
  buildNetwork: BuildNetwork;
  /** The S3 tier of the dependency cache, when configured. */
  remoteCache: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; prefix: string } | null;
  /** OpenTelemetry: the OTLP/HTTP export (the standard OTEL_* variables), span retention, the apps' endpoint. */
  tracing: TracingSettings;
  /** Alerts: how often rules are evaluated, and the SMTP server email channels use unless they name their own. */
  alerts: { intervalMs: number; smtp: { url: string; from: string } | null };
  /** How often the autoscaler looks, and how often instances are sampled and requests counted. */
  autoscale: { intervalMs: number; metricsIntervalMs: number };
  /** A Bearer token Prometheus may read /metrics with, besides an admin's API token; null: admins' tokens only. */
  metricsToken: string | null;
  /** SKYPANEL_PROMETHEUS=1: the platform runs its own Prometheus and Alertmanager; null: it does not. */
  prometheus: EmbeddedPrometheusSettings | null;
  /** A PEM file of CAs log drains trust besides Node's defaults; null: the defaults only. */
  drainCaFile: string | null;
  /** Destinations requests made for users may reach though they are loopback, private or link-local (SKYPANEL_OUTBOUND_ALLOW). */
  outboundAllow: string[];
  /** How often each add-on's server is checked (the add-on shown healthy or degraded). */
  addonHealthIntervalMs: number;
  /** Days audit rows are kept (the hourly upkeep deletes older ones, keeping the chain verifiable); null: forever. */
  auditRetentionDays?: number | null;
  /**
   * Redis shared by the control planes (the event bus, the rate limits): a URL, or Sentinels and
   * the master set's name (the URL then gives only the user, password and database). Null: in memory.
   */
  redis?: { url?: string; sentinels?: { host: string; port: number }[]; sentinelName?: string } | null;
  /** The leadership lease (PostgreSQL only; on PGlite the one process leads). */
  lease?: { ttlMs: number; renewMs: number };
  /** Whole-platform backups: passphrase, folder, bucket, schedule, retention (backup-config.ts). */
  platformBackup: BackupConfig;
}

export class ConfigError extends Error {}

function platformBackupConfig(env: NodeJS.ProcessEnv, home: string): BackupConfig {
  try {
    return backupConfigFromEnv(env, home);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, OTEL_SERVICE_NAME, SKYPANEL_TRACE_RETENTION_DAYS, SKYPANEL_APP_OTLP_ENDPOINT. */
function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings {
  try {
    return tracingSettingsFromEnv(env);
  } catch (err) {
    throw err instanceof TracingSettingsError ? new ConfigError(err.message) : err;
  }
}

/** SKYPANEL_REDIS_URL and/or SKYPANEL_REDIS_SENTINELS; neither: null (everything in memory). */
function redisSettings(url: string | undefined, sentinels: string[], sentinelName: string): BffConfig["redis"] {
  if (sentinels.length === 0) return url ? { url } : null;
  return {
    ...(url ? { url } : {}),
    sentinels: sentinels.map((s) => {
      const at = s.lastIndexOf(":");
      return { host: s.slice(0, at).replace(/^\[(.*)\]$/, "$1"), port: Number(s.slice(at + 1)) };
    }),
    sentinelName,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BffConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const s3 = [
    e.SKYPANEL_CACHE_S3_ENDPOINT,
    e.SKYPANEL_CACHE_S3_BUCKET,
    e.SKYPANEL_CACHE_S3_ACCESS_KEY_ID,
    e.SKYPANEL_CACHE_S3_SECRET_ACCESS_KEY,
  ];
  if (s3.some(Boolean) && !s3.every(Boolean)) {
    throw new ConfigError("The S3 build cache needs SKYPANEL_CACHE_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID and _SECRET_ACCESS_KEY together.");
  }
  // auto: on for a .localhost base domain, which no public CA would certify anyway.
  const localTls =
    e.SKYPANEL_LOCAL_TLS === "on" ||
    (e.SKYPANEL_LOCAL_TLS === "auto" && (e.SKYPANEL_BASE_DOMAIN === "localhost" || e.SKYPANEL_BASE_DOMAIN.endsWith(".localhost")));
  if ((e.SKYPANEL_ACME_DIRECTORY || localTls) && e.SKYPANEL_HTTPS_PORT === e.SKYPANEL_HTTP_PORT) {
    throw new ConfigError("SKYPANEL_HTTPS_PORT and SKYPANEL_HTTP_PORT must differ.");
  }
  if (Boolean(e.SKYPANEL_ADMIN_EMAIL) !== Boolean(e.SKYPANEL_ADMIN_PASSWORD)) {
    throw new ConfigError("Set both SKYPANEL_ADMIN_EMAIL and SKYPANEL_ADMIN_PASSWORD, or neither.");
  }
  if (Boolean(e.SKYPANEL_ADDON_PITR_ARCHIVE_DIR) !== Boolean(e.SKYPANEL_ADDON_PITR_DIR)) {
    throw new ConfigError("Point-in-time recovery needs SKYPANEL_ADDON_PITR_ARCHIVE_DIR and SKYPANEL_ADDON_PITR_DIR together.");
  }
  if (e.SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT === e.SKYPANEL_ADDON_REDIS_GATEWAY_PORT) {
    throw new ConfigError("SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT and SKYPANEL_ADDON_REDIS_GATEWAY_PORT must differ.");
  }
  const promPorts = [e.SKYPANEL_PROMETHEUS_PORT, e.SKYPANEL_ALERTMANAGER_PORT].filter((p) => p !== undefined);
  if (new Set([...promPorts, e.SKYPANEL_PORT]).size !== promPorts.length + 1) {
    throw new ConfigError("SKYPANEL_PROMETHEUS_PORT, SKYPANEL_ALERTMANAGER_PORT and SKYPANEL_PORT must differ.");
  }
  if (e.SKYPANEL_LEASE_RENEW_SECONDS * 4 > e.SKYPANEL_LEASE_TTL_SECONDS) {
    // A leader steps down 60% into a lease it could not renew: it must have had a few tries by then.
    throw new ConfigError("SKYPANEL_LEASE_RENEW_SECONDS must be at most a quarter of SKYPANEL_LEASE_TTL_SECONDS.");
  }
  if (e.SKYPANEL_VAULT_ADDR && !e.SKYPANEL_VAULT_TOKEN) {
    throw new ConfigError("SKYPANEL_VAULT_TOKEN must be set with SKYPANEL_VAULT_ADDR.");
  }
  return {
    port: e.SKYPANEL_PORT,
    host: e.SKYPANEL_HOST,
    home: resolve(e.SKYPANEL_HOME),
    platformBackup: platformBackupConfig(env, e.SKYPANEL_HOME),
    databaseUrl: e.DATABASE_URL,
    admin:
      e.SKYPANEL_ADMIN_EMAIL && e.SKYPANEL_ADMIN_PASSWORD ? { email: e.SKYPANEL_ADMIN_EMAIL, password: e.SKYPANEL_ADMIN_PASSWORD } : null,
    webDist: resolve(e.SKYPANEL_WEB_DIST ?? fileURLToPath(new URL("../../web/dist", import.meta.url))),
    trustedProxies: [...new Set([...(e.SKYPANEL_TRUST_PROXY ? ["loopback"] : []), ...e.SKYPANEL_TRUSTED_PROXIES])],
    secureCookies: e.SKYPANEL_SECURE_COOKIES,
    maxUploadBytes: e.SKYPANEL_MAX_UPLOAD_MB * 1024 * 1024,
    buildConcurrency: e.SKYPANEL_BUILD_CONCURRENCY,
    buildTimeoutMs: e.SKYPANEL_BUILD_TIMEOUT_MIN * 60_000,
    toolchains: e.SKYPANEL_TOOLCHAINS,
    // Containers need root; without it the platform can still run apps as plain processes.
    runtime: e.SKYPANEL_RUNTIME ?? (process.getuid?.() === 0 ? "nspawn" : "process"),
    httpPort: e.SKYPANEL_HTTP_PORT,
    baseDomain: e.SKYPANEL_BASE_DOMAIN,
    stopAppsOnExit: e.SKYPANEL_STOP_APPS_ON_EXIT,
    caddy: e.SKYPANEL_CADDY,
    dnsServers: e.SKYPANEL_DNS_SERVERS,
    publicIps: e.SKYPANEL_PUBLIC_IPS,
    tls: e.SKYPANEL_ACME_DIRECTORY
      ? {
          httpsPort: e.SKYPANEL_HTTPS_PORT,
          acmeDirectory: e.SKYPANEL_ACME_DIRECTORY,
          acmeTrustedRoots: e.SKYPANEL_ACME_CA_ROOTS,
          ...(e.SKYPANEL_ACME_EMAIL ? { acmeEmail: e.SKYPANEL_ACME_EMAIL } : {}),
        }
      : null,
    localTls: localTls ? { httpsPort: e.SKYPANEL_HTTPS_PORT } : null,
    addons: {
      ...(e.SKYPANEL_ADDON_POSTGRES_URL ? { postgresUrl: e.SKYPANEL_ADDON_POSTGRES_URL } : {}),
      ...(e.SKYPANEL_ADDON_REDIS_URL ? { redisUrl: e.SKYPANEL_ADDON_REDIS_URL } : {}),
      gatewayPorts: { postgresql: e.SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT, redis: e.SKYPANEL_ADDON_REDIS_GATEWAY_PORT },
      localServers: e.SKYPANEL_ADDON_LOCAL_SERVERS === "auto",
      pitr:
        e.SKYPANEL_ADDON_PITR_ARCHIVE_DIR && e.SKYPANEL_ADDON_PITR_DIR
          ? { archiveDir: e.SKYPANEL_ADDON_PITR_ARCHIVE_DIR, dir: e.SKYPANEL_ADDON_PITR_DIR, socketDir: e.SKYPANEL_ADDON_PITR_SOCKET_DIR }
          : null,
    },
    workDir: e.SKYPANEL_WORK_DIR,
    auditRetentionDays: e.SKYPANEL_AUDIT_RETENTION_DAYS ?? null,
    redis: redisSettings(e.SKYPANEL_REDIS_URL, e.SKYPANEL_REDIS_SENTINELS, e.SKYPANEL_REDIS_SENTINEL_NAME),
    lease: { ttlMs: e.SKYPANEL_LEASE_TTL_SECONDS * 1000, renewMs: e.SKYPANEL_LEASE_RENEW_SECONDS * 1000 },
    heroku: { apiUrl: e.SKYPANEL_HEROKU_API_URL, dataApiUrl: e.SKYPANEL_HEROKU_DATA_API_URL },
    vault: e.SKYPANEL_VAULT_ADDR
      ? {
          address: e.SKYPANEL_VAULT_ADDR,
          token: e.SKYPANEL_VAULT_TOKEN ?? "",
          mount: e.SKYPANEL_VAULT_TRANSIT_MOUNT,
          keyName: e.SKYPANEL_VAULT_TRANSIT_KEY,
        }
      : null,
    buildNetwork: buildNetwork(env),
    tracing: tracingSettings(env),
    metricsToken: e.SKYPANEL_METRICS_TOKEN ?? null,
    prometheus: e.SKYPANEL_PROMETHEUS
      ? {
          retention: e.SKYPANEL_PROMETHEUS_RETENTION,
          scrapeIntervalSeconds: e.SKYPANEL_PROMETHEUS_SCRAPE_INTERVAL_SECONDS,
          ...(e.SKYPANEL_PROMETHEUS_PORT ? { prometheusPort: e.SKYPANEL_PROMETHEUS_PORT } : {}),
          ...(e.SKYPANEL_ALERTMANAGER_PORT ? { alertmanagerPort: e.SKYPANEL_ALERTMANAGER_PORT } : {}),
        }
      : null,
    drainCaFile: e.SKYPANEL_DRAIN_CA_FILE ?? null,
    outboundAllow: e.SKYPANEL_OUTBOUND_ALLOW,
    addonHealthIntervalMs: e.SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS * 1000,
    autoscale: { intervalMs: e.SKYPANEL_AUTOSCALE_INTERVAL_SECONDS * 1000, metricsIntervalMs: e.SKYPANEL_METRICS_INTERVAL_SECONDS * 1000 },
    alerts: {
      intervalMs: e.SKYPANEL_ALERTS_INTERVAL_SECONDS * 1000,
      smtp: e.SKYPANEL_SMTP_URL ? { url: e.SKYPANEL_SMTP_URL, from: e.SKYPANEL_SMTP_FROM } : null,
    },
    remoteCache:
      e.SKYPANEL_CACHE_S3_ENDPOINT &&
      e.SKYPANEL_CACHE_S3_BUCKET &&
      e.SKYPANEL_CACHE_S3_ACCESS_KEY_ID &&
      e.SKYPANEL_CACHE_S3_SECRET_ACCESS_KEY
        ? {
            endpoint: e.SKYPANEL_CACHE_S3_ENDPOINT,
            bucket: e.SKYPANEL_CACHE_S3_BUCKET,
            region: e.SKYPANEL_CACHE_S3_REGION,
            accessKeyId: e.SKYPANEL_CACHE_S3_ACCESS_KEY_ID,
            secretAccessKey: e.SKYPANEL_CACHE_S3_SECRET_ACCESS_KEY,
            prefix: e.SKYPANEL_CACHE_S3_PREFIX,
          }
        : null,
  };
}
