// Host-side rules for one instance's veth, in a table of its own so they come and go with it.
import { readFileSync, writeFileSync } from "node:fs";
import { ADDON_GATEWAY, GATEWAY_PORTS } from "../addons/gateway-address.ts";
import { run, runChecked } from "../process/run.ts";
import { DENY_ALL_EGRESS, type EgressPolicy } from "./egress-policy.ts";

export const NFT = "/usr/sbin/nft";
/** Every instance's address (network.ts's pool): never a destination of another instance's egress. */
const INSTANCE_POOL = "10.213.0.0/16";
/** Link-local, where clouds answer metadata requests with the host's credentials. */
const LINK_LOCAL = "169.254.0.0/16";
/**
 * Apps' service addresses (router/service-balancer.ts): translated only for the host's own
 * traffic, so an instance's packet to one would otherwise be forwarded, untranslated, out of the host.
 */
const SERVICE_ADDRESSES = "10.214.0.0/16";

function tableName(hostInterface: string): string {
  return `skypanel_${hostInterface}`;
}

/** The forward rules that let the instance's own new connections out, per its egress policy. */
function egressAccepts(dev: string, policy: EgressPolicy): string[] {
  if (policy.mode === "allow") return [`iifname ${dev} meta nfproto ipv4 accept`];
  if (policy.mode === "deny") return [];
  return policy.rules.flatMap(({ cidr, ports }) => {
    if (!ports) return [`iifname ${dev} ip daddr ${cidr} accept`];
    const dport = ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
    return ["tcp", "udp"].map((proto) => `iifname ${dev} ip daddr ${cidr} ${proto} dport ${dport} accept`);
  });
}

/**
 * What may cross the instance's veth:
 * - host → instance: anything (Caddy proxies to it); the instance's replies come back as
 *   established traffic;
 * - instance → host: only the add-on gateway's ports (addons/gateway.ts), nothing else on any
 *   host address (PostgreSQL, Caddy's admin API, other instances' host ends all listen on the
 *   host), whatever the egress policy; rejected, so apps fail fast;
 * - forwarded out through the host: what the app's egress policy lets out (by default nothing),
 *   never to another instance, a service address or a link-local one, masqueraded as the host;
 *   forwarded in: only replies to those connections.
 * A drop or reject in any base chain is final, so other tables' accepts cannot open this.
 */
export function rulesFor(hostInterface: string, address: string, policy: EgressPolicy = DENY_ALL_EGRESS): string {
  const dev = JSON.stringify(hostInterface);
  const accepts = egressAccepts(dev, policy);
  const nat = accepts.length
    ? `
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${address} oifname != ${dev} masquerade
  }`
    : "";
  return `table inet ${tableName(hostInterface)} {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    iifname ${dev} ct state established,related accept
    iifname ${dev} ip daddr ${ADDON_GATEWAY} tcp dport ${GATEWAY_PORTS.first}-${GATEWAY_PORTS.last} accept
    iifname ${dev} reject with icmpx type admin-prohibited
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    oifname ${dev} ct state established,related accept
    oifname ${dev} reject with icmpx type admin-prohibited
    iifname ${dev} ip daddr { ${INSTANCE_POOL}, ${SERVICE_ADDRESSES}, ${LINK_LOCAL} } reject with icmpx type admin-prohibited
${accepts.map((rule) => `    ${rule}\n`).join("")}    iifname ${dev} reject with icmpx type admin-prohibited
  }${nat}
}
`;
}

/**
 * Writes the instance's table, replacing whatever it held, in one transaction: a running
 * instance's policy changes without a moment of either no rules or both.
 */
export async function writeInstanceRules(hostInterface: string, address: string, policy: EgressPolicy = DENY_ALL_EGRESS) {
  const table = `inet ${tableName(hostInterface)}`;
  await runChecked(NFT, ["-f", "-"], { input: `table ${table}\ndelete table ${table}\n${rulesFor(hostInterface, address, policy)}` });
}

export async function removeInstanceRules(hostInterface: string) {
  await run(NFT, ["delete", "table", "inet", tableName(hostInterface)]);
}

const IP_FORWARD = "/proc/sys/net/ipv4/ip_forward";
const FORWARD_GUARD = "skypanel_forward_guard";

/**
 * Egress needs the host to forward. A host that did not forward before keeps not forwarding
 * anything but instances' traffic: the guard table drops every forwarded packet that neither
 * comes from nor goes to an instance's veth, then forwarding is switched on. A host that
 * already forwarded (a router, another container engine) is left as it was. The guard stays
 * until the host restarts: forwarding stays on as long, and the guard with it.
 */
export async function ensureForwarding() {
  if (readFileSync(IP_FORWARD, "utf8").trim() === "1") return;
  const table = `inet ${FORWARD_GUARD}`;
  await runChecked(NFT, ["-f", "-"], {
    input: `table ${table}
delete table ${table}
table ${table} {
  chain forward {
    type filter hook forward priority filter - 20; policy drop;
    iifname "spv*" accept
    oifname "spv*" accept
  }
}
`,
  });
  writeFileSync(IP_FORWARD, "1");
}
