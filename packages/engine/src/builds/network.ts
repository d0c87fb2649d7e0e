// How builds reach the network for dependencies and git sources: the registries or mirrors, the
// proxy, the TLS trust. Made from the platform's environment by the app's config module (the BFF's
// apps/bff/src/config.ts; tests and benchmarks are their own) with buildNetwork(), and passed down
// to every fetcher: nothing under builds/ or sources/ reads process.env for it.
import { z } from "zod";

/** The proxy variables, both spellings: each tool has its own precedence between them, so each is kept as set. */
export const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"] as const;
export type ProxyVariable = (typeof PROXY_VARIABLES)[number];

export interface BuildNetwork {
  /** PIP_INDEX_URL: the package index Python builds use instead of PyPI (null: PyPI). */
  pipIndexUrl: string | null;
  /** GOPROXY: the module proxy list Go builds use (null: Go's default). */
  goProxy: string | null;
  /** SKYPANEL_CARGO_REGISTRY: a crates.io mirror's index (null: crates.io). */
  cargoRegistry: string | null;
  /** SKYPANEL_MAVEN_REPOSITORY_URL: the repository Java builds use, login included (null: Maven Central). */
  mavenRepositoryUrl: string | null;
  /** SKYPANEL_COMPOSER_REPOSITORY_URL: a Composer repository mirroring Packagist (null: none, packagist.org is not reachable). */
  composerRepositoryUrl: string | null;
  /** SKYPANEL_RUBYGEMS_URL: a RubyGems mirror, login included (null: none, rubygems.org is not reachable). */
  rubygemsUrl: string | null;
  /** The proxy variables that are set, under their own names. */
  proxies: Partial<Record<ProxyVariable, string>>;
  /** SSL_CERT_FILE and SSL_CERT_DIR: the CA bundle and directory that Go and git trust. */
  tls: { certFile: string | null; certDir: string | null };
}

/** The public registries, no proxy, the tools' own trust: what an engine made without a network gets. */
export const DEFAULT_BUILD_NETWORK: BuildNetwork = {
  pipIndexUrl: null,
  goProxy: null,
  cargoRegistry: null,
  mavenRepositoryUrl: null,
  composerRepositoryUrl: null,
  rubygemsUrl: null,
  proxies: {},
  tls: { certFile: null, certDir: null },
};

const parses = (url: string, protocols: string[]): "bad" | "protocol" | null => {
  try {
    return protocols.includes(new URL(url).protocol) ? null : "protocol";
  } catch {
    return "bad";
  }
};

/** An optional setting: unset or empty is null; `problem` says what is wrong with a value (null: nothing). */
const setting = (problem: (value: string) => string | null = () => null) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const message = problem(value);
      if (message === null) return value;
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    });

/** Go's GOPROXY entries: direct, off, or a proxy's URL (Go adds https:// to one without a scheme). */
function goProxyEntry(entry: string): boolean {
  if (entry === "direct" || entry === "off") return true;
  if (/\s/.test(entry) || entry === "") return false;
  return parses(entry.includes("://") ? entry : `https://${entry}`, ["https:", "http:", "file:"]) === null;
}

/** The build network's settings as environment variables, checked: config modules take these into their own schema. */
export const BUILD_NETWORK_SETTINGS = z.object({
  PIP_INDEX_URL: setting((v) =>
    parses(v, ["https:", "http:", "file:"]) ? "PIP_INDEX_URL must be the http(s):// URL of a package index (PyPI's simple API)" : null,
  ),
  GOPROXY: setting((v) =>
    v.split(/[,|]/).every((entry) => goProxyEntry(entry.trim()))
      ? null
      : "GOPROXY must be module proxy URLs, direct or off, separated by , or |",
  ),
  SKYPANEL_CARGO_REGISTRY: setting((v) =>
    (
      v.startsWith("sparse+")
        ? parses(v.slice("sparse+".length), ["https:", "http:"])
        : parses(v, ["https:", "http:", "ssh:", "git:", "file:"])
    )
      ? "SKYPANEL_CARGO_REGISTRY must be a registry index's URL (sparse+https://…/ or a git index's https://…)"
      : null,
  ),
  SKYPANEL_MAVEN_REPOSITORY_URL: setting((v) => {
    const problem = parses(v, ["https:", "http:"]);
    if (problem === "bad") return "SKYPANEL_MAVEN_REPOSITORY_URL is not a URL; the platform's operator must fix it.";
    if (problem === "protocol") return "SKYPANEL_MAVEN_REPOSITORY_URL must be an http(s) URL; the platform's operator must fix it.";
    return null;
  }),
  SKYPANEL_COMPOSER_REPOSITORY_URL: setting((v) =>
    parses(v, ["https:", "http:"])
      ? "SKYPANEL_COMPOSER_REPOSITORY_URL must be the http(s):// URL of a Composer repository (one serving packages.json)"
      : null,
  ),
  SKYPANEL_RUBYGEMS_URL: setting((v) =>
    parses(v, ["https:", "http:"])
      ? "SKYPANEL_RUBYGEMS_URL must be the http(s):// URL of a RubyGems mirror (Gemstash, Artifactory…)"
      : null,
  ),
  HTTP_PROXY: setting(),
  HTTPS_PROXY: setting(),
  NO_PROXY: setting(),
  http_proxy: setting(),
  https_proxy: setting(),
  no_proxy: setting(),
  SSL_CERT_FILE: setting(),
  SSL_CERT_DIR: setting(),
});

/** The build network an environment describes; a bad value throws, naming the setting. */
export function buildNetwork(env: Record<string, string | undefined>): BuildNetwork {
  const parsed = BUILD_NETWORK_SETTINGS.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  const e = parsed.data;
  const proxies: BuildNetwork["proxies"] = {};
  for (const name of PROXY_VARIABLES) {
    const value = e[name];
    if (value) proxies[name] = value;
  }
  return {
    pipIndexUrl: e.PIP_INDEX_URL,
    goProxy: e.GOPROXY,
    cargoRegistry: e.SKYPANEL_CARGO_REGISTRY,
    mavenRepositoryUrl: e.SKYPANEL_MAVEN_REPOSITORY_URL,
    composerRepositoryUrl: e.SKYPANEL_COMPOSER_REPOSITORY_URL,
    rubygemsUrl: e.SKYPANEL_RUBYGEMS_URL,
    proxies,
    tls: { certFile: e.SSL_CERT_FILE, certDir: e.SSL_CERT_DIR },
  };
}

/** The proxy and TLS variables for a tool's environment (git, Go): only those that are set. */
export function networkEnv(network: BuildNetwork): Record<string, string> {
  return {
    ...network.proxies,
    ...(network.tls.certFile ? { SSL_CERT_FILE: network.tls.certFile } : {}),
    ...(network.tls.certDir ? { SSL_CERT_DIR: network.tls.certDir } : {}),
  };
}
