// HTTPS for custom domains: Caddy obtains each certificate from the configured ACME CA over
// HTTP-01 (answered on the apps' HTTP port) and serves those hostnames on the HTTPS port.
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
export function tlsApp(hostnames: string[], tls: RouterTls, httpPort: number): Json {
  const issuer: Json = {
    module: "acme",
    ca: checkAcmeDirectory(tls.acmeDirectory),
    ...(tls.acmeEmail ? { email: tls.acmeEmail } : {}),
    ...(tls.acmeTrustedRoots && tls.acmeTrustedRoots.length > 0 ? { trusted_roots_pem_files: tls.acmeTrustedRoots } : {}),
    // The HTTP server already listens there and answers the challenge; TLS-ALPN would need :443.
    challenges: { http: { alternate_port: httpPort }, "tls-alpn": { disabled: true } },
  };
  return {
    ...(hostnames.length > 0 ? { certificates: { automate: hostnames } } : {}),
    automation: { policies: [{ ...(hostnames.length > 0 ? { subjects: hostnames } : {}), issuers: [issuer] }] },
  };
}
