// Where a git source may point: its host is resolved and every address checked before git runs.
// For http(s) the checked address is then pinned (curl's CURLOPT_RESOLVE through git's
// http.curloptResolve, git >= 2.37), so git cannot resolve the name again to something else, and
// redirects are off (http.followRedirects=false in git-run.ts), so no hop goes unchecked.
import { bareHost, checkOutbound, type OutboundPolicy, OutboundUnresolvedError, parseAddress, type ResolvedAddress } from "../net/index.ts";
import { checkGitUrl, type GitRemote } from "./git-url.ts";

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, git: 9418, ssh: 22 };

interface RemoteAddress {
  scheme: "http" | "https" | "git" | "ssh";
  host: string;
  port: number;
}

/** The host and port git will connect to (scp-like `user@host:path` is ssh on port 22). */
export function remoteAddress(remote: GitRemote): RemoteAddress {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(remote.url)?.[1]?.toLowerCase();
  if (!scheme) {
    const host = /^(?:[^@/]+@)?([^:/]+):/.exec(remote.url)?.[1] ?? "";
    return { scheme: "ssh", host: bareHost(host), port: 22 };
  }
  const url = new URL(remote.url);
  const s = scheme as RemoteAddress["scheme"];
  return { scheme: s, host: bareHost(url.hostname), port: url.port ? Number(url.port) : (DEFAULT_PORTS[s] ?? 0) };
}

/**
 * Checks the remote's destination and returns the git settings that hold git to it. A local
 * remote (tests, operators) is not a network destination and needs none.
 *
 * What remains for git:// and ssh://: they are checked here, but git and ssh resolve the name
 * again when they connect, so a DNS answer that changes in the moment between (rebinding) is not
 * caught for them. Behind a proxy (HTTPS_PROXY in the build network), the proxy resolves and connects.
 */
export async function guardGitRemote(
  remote: GitRemote,
  policy: OutboundPolicy,
  networkEnv: Record<string, string> = {},
): Promise<[string, string][]> {
  if (remote.local) return [];
  const { scheme, host, port } = remoteAddress(remote);
  let addresses: ResolvedAddress[];
  try {
    addresses = await checkOutbound(policy, { what: "git source", shown: remote.display }, host);
  } catch (err) {
    // Behind a proxy this machine may not resolve outside names at all; the proxy does.
    if (err instanceof OutboundUnresolvedError && proxied(scheme, networkEnv)) return [];
    throw err;
  }
  if ((scheme !== "http" && scheme !== "https") || parseAddress(host)) return [];
  const pinned = addresses[0];
  if (!pinned) return [];
  const address = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  return [["http.curloptResolve", `${host}:${port}:${address}`]];
}

/** Whether git's http(s) traffic goes through a proxy (NO_PROXY is not weighed: unresolved is all this excuses). */
function proxied(scheme: RemoteAddress["scheme"], env: Record<string, string>): boolean {
  if (scheme !== "http" && scheme !== "https") return false;
  const names = scheme === "https" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"];
  return names.some((n) => Boolean(env[n]));
}

/**
 * For a clear refusal when a git source is given (a build, an import): the URL's form and its
 * destination. A name that does not resolve now is let through; the fetch says so if it still does not.
 */
export async function checkGitSourceDestination(url: string, allowLocal: boolean, policy: OutboundPolicy): Promise<void> {
  const remote = checkGitUrl(url, allowLocal);
  try {
    await guardGitRemote(remote, policy);
  } catch (err) {
    if (!(err instanceof OutboundUnresolvedError)) throw err;
  }
}
