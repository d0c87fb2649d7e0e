// Who the client is, behind proxies. Each proxy appends the address it was reached from to
// X-Forwarded-For, so only entries written by proxies we trust are true; anything to their left
// is whatever the client sent. The client's address is therefore the rightmost hop that is not
// a trusted proxy (SKYPANEL_TRUSTED_PROXIES), walking back from the socket's peer. A peer that
// is not a trusted proxy is the client itself, and its X-Forwarded-For is ignored entirely.

import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context as HonoContext } from "hono";
import proxyaddr from "proxy-addr";
import type { HeaderReader } from "./http.ts";

export type ProxyTrust = (address: string, hop: number) => boolean;

const compiled = new Map<string, ProxyTrust>();

/** Items are addresses, CIDRs (`10.0.0.0/8`), or the names `loopback`, `linklocal`, `uniquelocal`. */
export function proxyTrust(trustedProxies: readonly string[]): ProxyTrust {
  const key = trustedProxies.join(",");
  let trust = compiled.get(key);
  if (!trust) {
    trust = trustedProxies.length ? proxyaddr.compile([...trustedProxies]) : () => false;
    compiled.set(key, trust);
  }
  return trust;
}

/** Whether a SKYPANEL_TRUSTED_PROXIES item is one proxy-addr understands. */
export function isTrustedProxyItem(item: string): boolean {
  try {
    proxyaddr.compile(item);
    return true;
  } catch {
    return false;
  }
}

/**
 * The client's address: `peer` (the socket's) unless it is a trusted proxy, then the rightmost
 * X-Forwarded-For entry that is not. An entry that is not an address stops the walk at the
 * proxy that passed it on. Null when there is no socket (an in-process request).
 */
export function clientAddress(headers: HeaderReader, peer: string | null, trustedProxies: readonly string[]): string | null {
  if (!peer) return null;
  const forwardedFor = headers.get("x-forwarded-for") ?? undefined;
  const request = { socket: { remoteAddress: peer }, headers: { "x-forwarded-for": forwardedFor } } as unknown as IncomingMessage;
  // The peer, then each hop a trusted proxy vouched for, ending at the first untrusted one.
  const hops = proxyaddr.all(request, proxyTrust(trustedProxies));
  for (let i = hops.length - 1; i > 0; i--) {
    const hop = hops[i];
    if (hop && isIP(hop)) return hop;
  }
  return peer;
}

/** Whether the request came straight from a trusted proxy, whose X-Forwarded-Proto/-Host may be believed. */
export function fromTrustedProxy(peer: string | null, trustedProxies: readonly string[]): boolean {
  return peer !== null && proxyTrust(trustedProxies)(peer, 0);
}

/** The socket's peer address; null when the request did not come through the Node server (app.request). */
export function peerAddress(c: HonoContext): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
