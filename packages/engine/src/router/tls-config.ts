// HTTPS for custom domains: Caddy obtains each certificate from the configured ACME CA over
// HTTP-01 (answered on the apps' HTTP port) and serves those hostnames on the HTTPS port. The
// apps' own `.localhost` names can be served there too, with certificates from Caddy's local CA.
import { InvalidRouteError } from "./errors.ts";
import type { RouterTls } from "./types.ts";

type Json = Record<string, unknown>;

export const HTTPS_SERVER = "skypanel-https";

export function checkAcmeDirectory(url: string): string {
  if (!/^https:\/\/[^\s/]+\/\S*$/.test(url))
    throw new InvalidRouteError(
      `The ACME directory "${url}" must be an https:// URL, like https://acme-v02.api.letsencrypt.org/directory.`,
    );
  return url;
}

/** TLS 1.2 and 1.3 only, for every name the HTTPS server answers. */
export const tlsConnectionPolicies: Json[] = [{ protocol_min: "tls1.2", protocol_max: "tls1.3" }];

/**
 * Caddy's `tls` app: manage certificates for exactly these hostnames (none under automatic
 * HTTPS, which stays off), from the ACME CA, solving HTTP-01 on the apps' HTTP port.
 */
export function tlsApp(hostnames: string[], tls: RouterTls | undefined, httpPort: number, localHostnames: string[] = []): Json {
  const policies: Json[] = [];
  if (localHostnames.length > 0) policies.push({ subjects: localHostnames, issuers: [{ module: "internal", ca: LOCAL_CA }] });
  if (tls) policies.push(acmePolicy(hostnames, tls, httpPort));
  const automate = [...localHostnames, ...(tls ? hostnames : [])];
  return {
    ...(automate.length > 0 ? { certificates: { automate } } : {}),
    automation: { policies },
  };
}

/** Caddy's local CA (root and intermediate in its storage, `pki/authorities/local/`). */
export const LOCAL_CA = "local";

/** The pki app: the local CA, never installed into this machine's trust store (Caddy would try). */
export function pkiApp(): Json {
  return { certificate_authorities: { [LOCAL_CA]: { install_trust: false } } };
}

function acmePolicy(hostnames: string[], tls: RouterTls, httpPort: number): Json {
  const issuer: Json = {
    module: "acme",
    ca: checkAcmeDirectory(tls.acmeDirectory),
    ...(tls.acmeEmail ? { email: tls.acmeEmail } : {}),
    ...(tls.acmeTrustedRoots && tls.acmeTrustedRoots.length > 0 ? { trusted_roots_pem_files: tls.acmeTrustedRoots } : {}),
    // The HTTP server already listens there and answers the challenge; TLS-ALPN would need :443.
    challenges: { http: { alternate_port: httpPort }, "tls-alpn": { disabled: true } },
  };
  return { ...(hostnames.length > 0 ? { subjects: hostnames } : {}), issuers: [issuer] };
}
