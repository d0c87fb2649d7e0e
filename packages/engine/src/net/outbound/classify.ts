// Which addresses the platform refuses to reach for a user: anything that is not a public
// unicast address. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by
// the IPv4 address inside, so ::ffff:127.0.0.1 is loopback like 127.0.0.1.
import ipaddr from "ipaddr.js";

export type RefusedRange =
  | "metadata"
  | "loopback"
  | "private"
  | "link-local"
  | "shared"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved";

/** How a refused range is named in an error message: "resolves to 10.0.0.5, a private address". */
export const RANGE_WORDS: Record<RefusedRange, string> = {
  metadata: "a cloud metadata address",
  loopback: "a loopback address",
  private: "a private address",
  "link-local": "a link-local address",
  shared: "a shared (carrier-grade NAT) address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved address",
};

/** The instance metadata services of AWS (v4 and v6), GCP, Azure, OpenStack and Alibaba Cloud. */
const METADATA = ["169.254.169.254", "fd00:ec2::254", "100.100.100.200"].map((a) => ipaddr.parse(a).toNormalizedString());

const V4_RANGES: Partial<Record<string, RefusedRange>> = {
  loopback: "loopback",
  private: "private",
  linkLocal: "link-local",
  carrierGradeNat: "shared",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  // Documentation, benchmarking and 240/4: nothing a user's service lives on.
  reserved: "reserved",
};

const V6_RANGES: Partial<Record<string, RefusedRange>> = {
  loopback: "loopback",
  uniqueLocal: "private",
  linkLocal: "link-local",
  deprecatedSiteLocal: "private",
  unspecified: "unspecified",
  multicast: "multicast",
  discard: "reserved",
  reserved: "reserved",
};

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an address (IPv6 in brackets or with a zone too); null when it is not one. */
export function parseAddress(text: string): Address | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  // Only the dotted four-part form counts as IPv4: "0x7f.1" is a host name to us, as to git and curl's checks.
  if (ipaddr.IPv4.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  return ipaddr.parse(bare);
}

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), if any. */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range();
  const b = address.toByteArray();
  const v4 = (from: number) => new ipaddr.IPv4(b.slice(from, from + 4));
  if (range === "ipv4Mapped" || range === "rfc6145" || range === "rfc6052") return v4(12);
  if (range === "6to4") return v4(2);
  // ::a.b.c.d, the long-deprecated IPv4-compatible form (:: and ::1 are handled as themselves).
  if (b.slice(0, 12).every((x) => x === 0) && b.slice(12).some((x, i) => (i === 3 ? x > 1 : x !== 0))) return v4(12);
  return null;
}

/** The range that makes an address refused, or null for a public unicast address. */
export function refusedRange(address: Address): RefusedRange | null {
  if (METADATA.includes(address.toNormalizedString())) return "metadata";
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) return refusedRange(inner);
    return V6_RANGES[v6.range()] ?? null;
  }
  return V4_RANGES[(address as ipaddr.IPv4).range()] ?? null;
}

/** The address as it is shown and compared: IPv4-mapped IPv6 shown as the IPv4 address it maps. */
export function shownAddress(address: Address): string {
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress())
    return (address as ipaddr.IPv6).toIPv4Address().toString();
  return address.toString();
}
