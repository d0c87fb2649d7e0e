// The outbound policy every request made for a user goes through: the operator's allow-list and
// the resolver that turns names into addresses (the system's; tests inject a fake one).
import { lookup } from "node:dns/promises";
import { EMPTY_ALLOW_LIST, type OutboundAllowList, parseOutboundAllow } from "./allow-list.ts";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a name has, as the connection would use them. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface OutboundPolicy {
  /** Destinations allowed though their address is refused (SKYPANEL_OUTBOUND_ALLOW). */
  allow: OutboundAllowList;
  resolve: Resolver;
}

export const systemResolver: Resolver = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export function outboundPolicy(o: { allow?: string | readonly string[] | OutboundAllowList; resolve?: Resolver } = {}): OutboundPolicy {
  const allow =
    o.allow === undefined
      ? EMPTY_ALLOW_LIST
      : typeof o.allow === "string" || Array.isArray(o.allow)
        ? parseOutboundAllow(o.allow as string | string[])
        : (o.allow as OutboundAllowList);
  return { allow, resolve: o.resolve ?? systemResolver };
}

/** The production default: every refused range refused, nothing allowed beyond public addresses. */
export const DEFAULT_OUTBOUND_POLICY: OutboundPolicy = outboundPolicy();

/**
 * Tests' resolver: localhost names are loopback (as /etc/hosts has them); any other name does not
 * resolve, so no test asks a DNS server.
 */
export const testResolver: Resolver = async (host) => {
  if (host === "localhost" || host.endsWith(".localhost")) return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`${host} is not resolved in tests`), { code: "ENOTFOUND" });
};

/**
 * For test platforms whose receivers, git servers and stand-ins listen on loopback: loopback
 * allowed, explicitly, and every other refused range still refused.
 */
export function loopbackOutboundPolicy(resolve: Resolver = testResolver): OutboundPolicy {
  return outboundPolicy({ allow: "127.0.0.0/8,::1", resolve });
}
