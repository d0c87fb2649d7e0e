import { DEFAULT_BUILD_NETWORK } from "@skypanel/engine";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("custom-domain settings in the BFF config", () => {
  it("reads SKYPANEL_DNS_SERVERS and SKYPANEL_PUBLIC_IPS as comma lists; empty means the system's resolver", () => {
    const config = loadConfig({
      SKYPANEL_DNS_SERVERS: "127.0.0.1:8053, 9.9.9.9,[::1]:53",
      SKYPANEL_PUBLIC_IPS: "203.0.113.1, 2001:db8::1",
    });
    expect(config.dnsServers).toEqual(["127.0.0.1:8053", "9.9.9.9", "[::1]:53"]);
    expect(config.publicIps).toEqual(["203.0.113.1", "2001:db8::1"]);
    expect(loadConfig({})).toMatchObject({ dnsServers: [], publicIps: [] });
  });

  it("refuses names where addresses are needed, saying which setting", () => {
    expect(() => loadConfig({ SKYPANEL_DNS_SERVERS: "dns.example.com" })).toThrow(/SKYPANEL_DNS_SERVERS must be IP addresses/);
    expect(() => loadConfig({ SKYPANEL_PUBLIC_IPS: "203.0.113.1,paas.example.com" })).toThrow(/SKYPANEL_PUBLIC_IPS must be IP addresses/);
  });

  it("turns HTTPS for custom domains on with SKYPANEL_ACME_DIRECTORY; off (HTTP only) without it", () => {
    expect(loadConfig({}).tls).toBeNull();
    const config = loadConfig({
      SKYPANEL_ACME_DIRECTORY: "https://127.0.0.1:14000/dir",
      SKYPANEL_ACME_CA_ROOTS: "/etc/pebble/ca.pem",
      SKYPANEL_HTTPS_PORT: "9443",
    });
    expect(config.tls).toEqual({ httpsPort: 9443, acmeDirectory: "https://127.0.0.1:14000/dir", acmeTrustedRoots: ["/etc/pebble/ca.pem"] });
    expect(() => loadConfig({ SKYPANEL_ACME_DIRECTORY: "http://ca.example/dir" })).toThrow(/must be an https:\/\/ URL/);
    expect(() => loadConfig({ SKYPANEL_ACME_DIRECTORY: "https://ca.example/dir", SKYPANEL_HTTPS_PORT: "8080" })).toThrow(/must differ/);
  });

  it("serves the apps' .localhost names over HTTPS with Caddy's local CA by default (auto), or as SKYPANEL_LOCAL_TLS says", () => {
    expect(loadConfig({}).localTls).toEqual({ httpsPort: 8443 });
    expect(loadConfig({ SKYPANEL_BASE_DOMAIN: "apps.example.com" }).localTls).toBeNull();
    expect(loadConfig({ SKYPANEL_BASE_DOMAIN: "apps.example.com", SKYPANEL_LOCAL_TLS: "on" }).localTls).toEqual({ httpsPort: 8443 });
    expect(loadConfig({ SKYPANEL_LOCAL_TLS: "off" }).localTls).toBeNull();
    expect(() => loadConfig({ SKYPANEL_LOCAL_TLS: "yes" })).toThrow(/SKYPANEL_LOCAL_TLS is auto, on or off/);
    expect(() => loadConfig({ SKYPANEL_HTTPS_PORT: "8080" })).toThrow(/must differ/);
  });

  it("checks add-on servers every SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS (30 by default), refusing a period that is not 1 to 3600", () => {
    expect(loadConfig({}).addonHealthIntervalMs).toBe(30_000);
    expect(loadConfig({ SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS: "5" }).addonHealthIntervalMs).toBe(5000);
    for (const bad of ["0", "3601", "-1", "1.5", "soon"])
      expect(() => loadConfig({ SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS: bad })).toThrow(/SKYPANEL_ADDON_HEALTH_INTERVAL_SECONDS/);
  });

  it("registers add-on servers from SKYPANEL_ADDON_POSTGRES_URL and SKYPANEL_ADDON_REDIS_URL; this machine's by default", () => {
    const gatewayPorts = { postgresql: 15432, redis: 15479 };
    expect(loadConfig({}).addons).toEqual({ gatewayPorts, localServers: true, pitr: null });
    expect(loadConfig({ SKYPANEL_ADDON_LOCAL_SERVERS: "off" }).addons).toEqual({ gatewayPorts, localServers: false, pitr: null });
    expect(() => loadConfig({ SKYPANEL_ADDON_LOCAL_SERVERS: "yes" })).toThrow(/SKYPANEL_ADDON_LOCAL_SERVERS is auto or off/);
    expect(
      loadConfig({
        SKYPANEL_ADDON_POSTGRES_URL: "postgres://admin@db:5432/postgres",
        SKYPANEL_ADDON_REDIS_URL: "redis://ops:pw@cache:6379",
        SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: "15401",
      }).addons,
    ).toEqual({
      postgresUrl: "postgres://admin@db:5432/postgres",
      redisUrl: "redis://ops:pw@cache:6379",
      gatewayPorts: { postgresql: 15401, redis: 15479 },
      localServers: true,
      pitr: null,
    });
    expect(() => loadConfig({ SKYPANEL_ADDON_REDIS_URL: "rediss://cache:6380" })).toThrow(
      /SKYPANEL_ADDON_REDIS_URL must be a redis:\/\/ URL/,
    );
    // Containers may open only 15400-15499 on the gateway address, and the two may not share one.
    expect(() => loadConfig({ SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: "5432" })).toThrow(/SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT/);
    expect(() => loadConfig({ SKYPANEL_ADDON_REDIS_GATEWAY_PORT: "15432" })).toThrow(/must differ/);
  });

  it("takes SKYPANEL_WORK_DIR as an absolute path only; unset, the engine chooses", () => {
    expect(loadConfig({}).workDir).toBeUndefined();
    expect(loadConfig({ SKYPANEL_WORK_DIR: "/var/lib/skypanel/work/main" }).workDir).toBe("/var/lib/skypanel/work/main");
    expect(() => loadConfig({ SKYPANEL_WORK_DIR: "work" })).toThrow(/SKYPANEL_WORK_DIR must be an absolute path/);
  });
});

describe("how builds reach the network, in the BFF config", () => {
  it("uses the public registries with no proxy when nothing is set", () => {
    expect(loadConfig({}).buildNetwork).toEqual(DEFAULT_BUILD_NETWORK);
    expect(DEFAULT_BUILD_NETWORK).toMatchObject({
      pipIndexUrl: null,
      goProxy: null,
      cargoRegistry: null,
      mavenRepositoryUrl: null,
      proxies: {},
      tls: { certFile: null, certDir: null },
    });
  });

  it("takes the mirrors, the proxies (both spellings, as set) and the TLS trust; nothing else of the environment", () => {
    const config = loadConfig({
      PIP_INDEX_URL: "https://token:secret@mirror.example/simple",
      GOPROXY: "https://goproxy.example|direct",
      SKYPANEL_CARGO_REGISTRY: "sparse+https://mirror.example/index/",
      SKYPANEL_MAVEN_REPOSITORY_URL: "https://ci:pw@mirror.example/maven2/",
      HTTPS_PROXY: "http://proxy.example:3128",
      no_proxy: "localhost,.internal",
      SSL_CERT_FILE: "/etc/ssl/certs/ca-certificates.crt",
      PIP_FIND_LINKS: "/opt/wheels",
    });
    expect(config.buildNetwork).toMatchObject({
      pipIndexUrl: "https://token:secret@mirror.example/simple",
      goProxy: "https://goproxy.example|direct",
      cargoRegistry: "sparse+https://mirror.example/index/",
      mavenRepositoryUrl: "https://ci:pw@mirror.example/maven2/",
      proxies: { HTTPS_PROXY: "http://proxy.example:3128", no_proxy: "localhost,.internal" },
      tls: { certFile: "/etc/ssl/certs/ca-certificates.crt", certDir: null },
    });
    expect(config.buildNetwork.proxies).toEqual({ HTTPS_PROXY: "http://proxy.example:3128", no_proxy: "localhost,.internal" });
    expect(
      loadConfig({ GOPROXY: "off", SKYPANEL_CARGO_REGISTRY: "https://github.com/rust-lang/crates.io-index" }).buildNetwork,
    ).toMatchObject({
      goProxy: "off",
      cargoRegistry: "https://github.com/rust-lang/crates.io-index",
    });
  });

  it("refuses a mirror or proxy list that is not a URL, naming the setting", () => {
    expect(() => loadConfig({ GOPROXY: "ftp://goproxy.example" })).toThrow(/GOPROXY: GOPROXY must be module proxy URLs, direct or off/);
    expect(() => loadConfig({ GOPROXY: "https://goproxy.example,,direct" })).toThrow(/GOPROXY must be/);
    expect(() => loadConfig({ PIP_INDEX_URL: "mirror.example/simple" })).toThrow(/PIP_INDEX_URL must be/);
    expect(() => loadConfig({ SKYPANEL_CARGO_REGISTRY: "sparse+ssh://mirror.example/index/" })).toThrow(/SKYPANEL_CARGO_REGISTRY must be/);
    expect(() => loadConfig({ SKYPANEL_MAVEN_REPOSITORY_URL: "mirror.example/maven2" })).toThrow(
      "SKYPANEL_MAVEN_REPOSITORY_URL is not a URL; the platform's operator must fix it.",
    );
    expect(() => loadConfig({ SKYPANEL_MAVEN_REPOSITORY_URL: "ftp://mirror.example/maven2" })).toThrow(
      "SKYPANEL_MAVEN_REPOSITORY_URL must be an http(s) URL; the platform's operator must fix it.",
    );
  });
});

describe("two control planes in the BFF config: the shared Redis and the lease", () => {
  it("reads a Redis URL, or Sentinels with the master set's name; refuses what is neither", () => {
    expect(loadConfig({}).redis).toBeNull();
    expect(loadConfig({}).lease).toEqual({ ttlMs: 10_000, renewMs: 2_000 });
    expect(loadConfig({ SKYPANEL_REDIS_URL: "redis://:pw@cache:6379/2" }).redis).toEqual({ url: "redis://:pw@cache:6379/2" });
    expect(
      loadConfig({
        SKYPANEL_REDIS_SENTINELS: "s1:26379, [::1]:26380",
        SKYPANEL_REDIS_SENTINEL_NAME: "control",
        SKYPANEL_REDIS_URL: "redis://:pw@x/1",
      }).redis,
    ).toEqual({
      url: "redis://:pw@x/1",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      sentinelName: "control",
    });
    expect(() => loadConfig({ SKYPANEL_REDIS_URL: "http://cache" })).toThrow(/SKYPANEL_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ SKYPANEL_REDIS_SENTINELS: "s1" })).toThrow(/SKYPANEL_REDIS_SENTINELS must be host:port pairs/);
    expect(() => loadConfig({ SKYPANEL_LEASE_TTL_SECONDS: "4", SKYPANEL_LEASE_RENEW_SECONDS: "2" })).toThrow(
      /SKYPANEL_LEASE_RENEW_SECONDS must be at most a quarter of SKYPANEL_LEASE_TTL_SECONDS/,
    );
  });
});
