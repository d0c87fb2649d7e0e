// The check itself: every address a destination resolves to must be public, or allowed by the
// operator. `guardedLookup` runs the same check inside the connection's own name lookup, so the
// address connected to is the address checked: a DNS answer that changes between a check and the
// connection (rebinding) meets the check again.
import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { allowsAddress, allowsHost } from "./allow-list.ts";
import { parseAddress, refusedRange, shownAddress } from "./classify.ts";
import { OutboundRefusedError, type OutboundTarget, OutboundUnresolvedError } from "./errors.ts";
import type { OutboundPolicy, ResolvedAddress } from "./policy.ts";

/** A host as a URL gives it: brackets around IPv6 removed, lower case, no trailing dot. */
export function bareHost(host: string): string {
  const inner = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return inner.toLowerCase().replace(/\.$/, "");
}

/** Throws OutboundRefusedError unless the address is public or allowed. */
export function checkAddress(policy: OutboundPolicy, target: OutboundTarget, address: string): void {
  const parsed = parseAddress(address);
  if (!parsed) throw new OutboundRefusedError(target, address, "reserved");
  if (allowsAddress(policy.allow, parsed)) return;
  const range = refusedRange(parsed);
  if (range) throw new OutboundRefusedError(target, shownAddress(parsed), range);
}

/**
 * Resolves `host` and checks every address it has (one private address among public ones is
 * enough to refuse: the connection may pick any). Returns the addresses, to connect to or pin.
 */
export async function checkOutbound(policy: OutboundPolicy, target: OutboundTarget, host: string): Promise<ResolvedAddress[]> {
  const name = bareHost(host);
  const literal = parseAddress(name);
  if (literal) {
    checkAddress(policy, target, name);
    return [{ address: literal.toString(), family: literal.kind() === "ipv4" ? 4 : 6 }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await policy.resolve(name);
  } catch (err) {
    throw new OutboundUnresolvedError(target, name, (err as { code?: string }).code ?? (err as Error).message);
  }
  if (addresses.length === 0) throw new OutboundUnresolvedError(target, name, "no addresses");
  if (!allowsHost(policy.allow, name)) for (const a of addresses) checkAddress(policy, target, a.address);
  return addresses;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls/http(s) connections that resolves through the policy and checks first. */
export function guardedLookup(policy: OutboundPolicy, target: OutboundTarget): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    checkOutbound(policy, target, hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        const list = wanted.length ? wanted : addresses;
        if (options.all) callback(null, list);
        else callback(null, list[0]?.address ?? "", list[0]?.family ?? 4);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, options.all ? [] : ""),
    );
  };
}
