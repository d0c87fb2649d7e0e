// Host-side rules for one instance's veth, in a table of its own so they come and go with it.
import { ADDON_GATEWAY, GATEWAY_PORTS } from "../addons/gateway-address.ts";
import { run, runChecked } from "../process/run.ts";

export const NFT = "/usr/sbin/nft";

function tableName(hostInterface: string): string {
  return `skypanel_${hostInterface}`;
}

/**
 * What may cross the instance's veth:
 * - host → instance: anything (Caddy proxies to it); the instance's replies come back as
 *   established traffic;
 * - instance → host: only the add-on gateway's ports (addons/gateway.ts), nothing else on any
 *   host address (PostgreSQL, Caddy's admin API, other instances' host ends all listen on the
 *   host); rejected, so apps fail fast;
 * - forwarded through the host, either way: nothing (no route to other instances or out).
 * A drop or reject in any base chain is final, so other tables' accepts cannot open this.
 */
export function rulesFor(hostInterface: string): string {
  const dev = JSON.stringify(hostInterface);
  return `table inet ${tableName(hostInterface)} {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    iifname ${dev} ct state established,related accept
    iifname ${dev} ip daddr ${ADDON_GATEWAY} tcp dport ${GATEWAY_PORTS.first}-${GATEWAY_PORTS.last} accept
    iifname ${dev} reject with icmpx type admin-prohibited
  }
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    iifname ${dev} reject with icmpx type admin-prohibited
    oifname ${dev} drop
  }
}
`;
}

export async function addInstanceRules(hostInterface: string) {
  await runChecked(NFT, ["-f", "-"], { input: rulesFor(hostInterface) });
}

export async function removeInstanceRules(hostInterface: string) {
  await run(NFT, ["delete", "table", "inet", tableName(hostInterface)]);
}
