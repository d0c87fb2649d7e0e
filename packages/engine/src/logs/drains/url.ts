// A drain's URL: which kinds are taken, what is refused and why, and what of it may be shown.
import { isIP } from "node:net";
import type { LogDrainKind } from "@skypanel/db";
import { ValidationError } from "../../errors.ts";
import { checkOutbound, type OutboundPolicy, OutboundUnresolvedError } from "../../net/index.ts";

export const MAX_DRAIN_URL = 2000;
export const DRAIN_URL_RULE = "syslog+tls://host:port (RFC 5424 over TLS) or https://host[:port]/path (NDJSON POSTs)";

export interface DrainTarget {
  kind: LogDrainKind;
  /** The URL as given, normalized (what is sealed and compared). */
  url: string;
  host: string;
  port: number;
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

function checkHost(hostname: string): string {
  // URL keeps IPv6 literals in brackets.
  const host = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (isIP(host)) return host;
  if (host.length < 1 || host.length > 253 || !host.split(".").every((l) => HOST_LABEL.test(l))) {
    throw new ValidationError(`"${host.slice(0, 100)}" is not a host name a drain can reach.`);
  }
  return host;
}

/**
 * Checks a drain URL and says which kind it is. Plain http:// and plain syslog:// are refused:
 * log lines carry the app's secrets often enough that they only leave over TLS.
 */
export function checkDrainUrl(input: unknown): DrainTarget {
  if (typeof input !== "string" || input.trim() === "") throw new ValidationError(`A drain's URL is ${DRAIN_URL_RULE}.`);
  const text = input.trim();
  if (text.length > MAX_DRAIN_URL) throw new ValidationError(`A drain's URL is at most ${MAX_DRAIN_URL} characters.`);
  if (SPACE_OR_CONTROL.test(text)) throw new ValidationError("A drain's URL may not contain spaces or control characters.");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`A drain's URL is ${DRAIN_URL_RULE}; this is not a URL.`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "http") throw new ValidationError("Plain http:// drains are refused: log lines leave only over TLS. Use https://.");
  if (scheme === "syslog" || scheme === "syslog+tcp" || scheme === "syslog+udp") {
    throw new ValidationError("Syslog drains without TLS are refused: log lines leave only over TLS. Use syslog+tls://host:port.");
  }
  if (scheme !== "https" && scheme !== "syslog+tls")
    throw new ValidationError(`A drain's URL is ${DRAIN_URL_RULE}; "${scheme}:" is not taken.`);
  const host = checkHost(url.hostname);
  // Where the host points is checked when the drain is added (checkDrainDestination) and again at
  // every connection (senders.ts), under the outbound policy.
  if (scheme === "syslog+tls") {
    if (!url.port) throw new ValidationError("A syslog+tls:// drain needs its port: syslog+tls://host:6514.");
    if (url.username || url.password || (url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) {
      throw new ValidationError("A syslog+tls:// drain is only syslog+tls://host:port (no user, path or query).");
    }
    const port = Number(url.port);
    if (port < 1) throw new ValidationError("A drain's port is from 1 to 65535.");
    const shown = isIP(host) === 6 ? `[${host}]` : host.toLowerCase();
    return { kind: "syslog-tls", url: `syslog+tls://${shown}:${port}`, host, port };
  }
  if (url.hash) throw new ValidationError("An https:// drain's URL may not have a #fragment.");
  const port = url.port ? Number(url.port) : 443;
  if (port < 1) throw new ValidationError("A drain's port is from 1 to 65535.");
  return { kind: "https", url: url.toString(), host, port };
}

/**
 * What may be shown of a drain's URL: scheme, host and port. A user, password, path or query may
 * be the token that lets anyone write into the user's log service, so each is masked.
 */
export function redactDrainUrl(normalized: string): string {
  const url = new URL(normalized);
  const auth = url.username || url.password ? "***@" : "";
  const path = url.pathname && url.pathname !== "/" ? "/***" : "";
  const query = url.search ? "?***" : "";
  return `${url.protocol}//${auth}${url.host}${path}${query}`;
}

/**
 * Refuses a drain whose host is, or resolves to, a refused address, when it is added. A name that
 * does not resolve yet is taken: delivery retries, and each connection is checked anyway.
 */
export async function checkDrainDestination(policy: OutboundPolicy, target: DrainTarget, redacted: string): Promise<void> {
  try {
    await checkOutbound(policy, { what: "log drain", shown: redacted }, target.host);
  } catch (err) {
    if (!(err instanceof OutboundUnresolvedError)) throw err;
  }
}
