// What an app's instances may reach outside the platform: nothing (the default), anything but
// the host and other instances, or only the listed networks and ports.
import ipaddr from "ipaddr.js";
import { ValidationError } from "../errors.ts";

export const EGRESS_MODES = ["deny", "allow", "allowlist"] as const;
export type EgressMode = (typeof EGRESS_MODES)[number];

/** One network an allow-list opens, on every port or on a range of TCP and UDP ports. */
export interface EgressRule {
  /** An IPv4 network in CIDR form, as stored: its network address ("10.1.0.0/16"). */
  cidr: string;
  /** null: every port and protocol. */
  ports: { from: number; to: number } | null;
}

export interface EgressPolicy {
  mode: EgressMode;
  /** Only read in allowlist mode; kept in the others so switching back restores the list. */
  rules: EgressRule[];
}

export const DENY_ALL_EGRESS: EgressPolicy = { mode: "deny", rules: [] };
export const MAX_EGRESS_RULES = 64;

/**
 * "198.18.0.2/32", "10.0.0.0/8:5432" or "10.0.0.0/8:8000-8100" (a bare address is a /32): the
 * form the CLI and the dashboard take. Throws ValidationError saying what is wrong.
 */
export function parseEgressRule(text: string): EgressRule {
  // More than one colon: an IPv6 network, which checkEgressRule refuses with its own message.
  if (text.split(":").length > 2) return checkEgressRule({ cidr: text.trim(), ports: null });
  const match = /^([^:]+?)(?::(\d{1,5})(?:-(\d{1,5}))?)?$/.exec(text.trim());
  if (!match?.[1]) throw new ValidationError(`"${text}" is not an egress rule: write a CIDR, optionally with :port or :from-to.`);
  const from = match[2] === undefined ? null : Number(match[2]);
  const to = match[3] === undefined ? from : Number(match[3]);
  const cidr = match[1].includes("/") ? match[1] : `${match[1]}/32`;
  return checkEgressRule({ cidr, ports: from === null || to === null ? null : { from, to } });
}

export function formatEgressRule(rule: EgressRule): string {
  if (!rule.ports) return rule.cidr;
  return rule.ports.from === rule.ports.to ? `${rule.cidr}:${rule.ports.from}` : `${rule.cidr}:${rule.ports.from}-${rule.ports.to}`;
}

/** An IPv4 network (instances have no IPv6 route) narrower than everything, with a sane port range. */
export function checkEgressRule(rule: EgressRule): EgressRule {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(rule.cidr);
  } catch {
    throw new ValidationError(`"${rule.cidr}" is not a network in CIDR form, like 203.0.113.0/24.`);
  }
  const [address, prefix] = parsed;
  if (address.kind() !== "ipv4" || !ipaddr.IPv4.isValidFourPartDecimal(rule.cidr.split("/")[0] ?? "")) {
    throw new ValidationError(`"${rule.cidr}": egress rules take IPv4 networks only (instances have no IPv6 route out).`);
  }
  // Everything is what mode "allow" is for, and says so in one word rather than in a rule.
  if (prefix === 0) throw new ValidationError(`"${rule.cidr}" opens every address: set the egress mode to "allow" instead.`);
  const network = ipaddr.IPv4.networkAddressFromCIDR(rule.cidr).toString();
  if (rule.ports) {
    const { from, to } = rule.ports;
    for (const port of [from, to]) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ValidationError(`Port ${port} in "${rule.cidr}" is not 1–65535.`);
    }
    if (from > to) throw new ValidationError(`Port range ${from}-${to} in "${rule.cidr}" runs backwards.`);
  }
  return { cidr: `${network}/${prefix}`, ports: rule.ports ? { from: rule.ports.from, to: rule.ports.to } : null };
}

/** The policy as stored: a known mode, at most MAX_EGRESS_RULES checked rules, no duplicates. */
export function checkEgressPolicy(policy: EgressPolicy): EgressPolicy {
  if (!EGRESS_MODES.includes(policy.mode)) {
    throw new ValidationError(`Egress mode "${policy.mode}" is not one of ${EGRESS_MODES.join(", ")}.`);
  }
  if (policy.rules.length > MAX_EGRESS_RULES) throw new ValidationError(`An allow-list holds at most ${MAX_EGRESS_RULES} rules.`);
  const rules = policy.rules.map(checkEgressRule);
  const seen = new Set<string>();
  const unique = rules.filter((rule) => {
    const key = formatEgressRule(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (policy.mode === "allowlist" && unique.length === 0) {
    throw new ValidationError('An allow-list needs at least one rule (mode "deny" refuses everything).');
  }
  return { mode: policy.mode, rules: unique };
}
