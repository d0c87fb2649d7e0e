// SKYPANEL_OUTBOUND_ALLOW: the operator's exceptions to the refused ranges, as comma-separated
// CIDRs, single addresses, host names, or `*.suffix` for every name under a domain.
import ipaddr from "ipaddr.js";
import { type Address, parseAddress, refusedRange } from "./classify.ts";

export const OUTBOUND_ALLOW_SETTING = "SKYPANEL_OUTBOUND_ALLOW";

export interface OutboundAllowList {
  cidrs: [Address, number][];
  /** Lower-case names, without a trailing dot. */
  hosts: Set<string>;
  /** Lower-case suffixes with their leading dot: ".corp.example" from "*.corp.example". */
  suffixes: string[];
}

export const EMPTY_ALLOW_LIST: OutboundAllowList = Object.freeze({ cidrs: [], hosts: new Set<string>(), suffixes: [] });

const NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export class OutboundAllowListError extends Error {}

/** Parses the setting; an entry that is neither a CIDR, an address nor a host name is an error naming it. */
export function parseOutboundAllow(text: string | readonly string[] | undefined): OutboundAllowList {
  const entries = (typeof text === "string" ? text.split(",") : (text ?? [])).map((e) => e.trim()).filter(Boolean);
  const list: OutboundAllowList = { cidrs: [], hosts: new Set(), suffixes: [] };
  for (const entry of entries) {
    if (entry.includes("/")) {
      if (!ipaddr.isValidCIDR(entry)) throw new OutboundAllowListError(`${OUTBOUND_ALLOW_SETTING}: "${entry}" is not a valid CIDR.`);
      list.cidrs.push(ipaddr.parseCIDR(entry));
      continue;
    }
    const address = parseAddress(entry);
    if (address) {
      list.cidrs.push([address, address.kind() === "ipv4" ? 32 : 128]);
      continue;
    }
    const name = entry.toLowerCase().replace(/\.$/, "");
    if (name.startsWith("*.") && NAME.test(name.slice(2))) list.suffixes.push(name.slice(1));
    else if (NAME.test(name)) list.hosts.add(name);
    else
      throw new OutboundAllowListError(
        `${OUTBOUND_ALLOW_SETTING}: "${entry}" is not a CIDR (10.0.0.0/8), an address, a host name or *.domain.`,
      );
  }
  return list;
}

/** Whether one entry of the setting is well formed (for the config module's validation). */
export function isOutboundAllowEntry(entry: string): boolean {
  try {
    const list = parseOutboundAllow([entry]);
    return list.cidrs.length + list.hosts.size + list.suffixes.length === 1;
  } catch {
    return false;
  }
}

export function allowsHost(list: OutboundAllowList, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return list.hosts.has(name) || list.suffixes.some((s) => name.endsWith(s));
}

/**
 * Whether an entry covers the address. A cloud metadata address is only allowed by an entry
 * naming exactly it: allowing 169.254.0.0/16 for a link-local service must not open the
 * metadata service (and its credentials) to every user.
 */
export function allowsAddress(list: OutboundAllowList, address: Address): boolean {
  const metadata = refusedRange(address) === "metadata";
  const candidates: Address[] = [address];
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress())
    candidates.push((address as ipaddr.IPv6).toIPv4Address());
  return list.cidrs.some(([net, bits]) =>
    candidates.some((a) => a.kind() === net.kind() && a.match(net, bits) && (!metadata || bits === (a.kind() === "ipv4" ? 32 : 128))),
  );
}
