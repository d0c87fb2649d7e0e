// Each app's stable service address: Caddy proxies to it, and nftables spreads its connections
// over the app's healthy instances (as kube-proxy does for a ClusterIP). A rotation change is
// then one atomic nft update: Caddy's config, and so its client connections, are left alone.
// (Every Caddy 2.6 config load closes idle keep-alive client connections, and a client that
// had just sent its next request on one sees it fail: measured in deploy/zero-downtime.test.ts.)
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { run, runChecked } from "../process/run.ts";
import { NFT } from "../runtime/firewall.ts";
import { IP } from "../runtime/network.ts";

/** 10.214.0.0/16: one address per app, never assigned to an interface. */
const BASE = (10 << 24) | (214 << 16);
const SIZE = 65_000;
export const SERVICE_CIDR = "10.214.0.0/16";
/**
 * The host's own address on the way to a service address (on lo): a connection from Caddy
 * must not leave with 127.0.0.1, which no other interface may carry once it is rewritten.
 */
const SOURCE = "10.214.255.254";

export interface ServiceUpstream {
  address: string;
  port: number;
  /** Relative share of new connections (canary steps); default 1. */
  weight?: number;
}

export interface ServiceBalancer {
  /** The app's service address (claimed once, kept across restarts). */
  addressFor(appId: string): string;
  /** Makes each listed app's address lead to these instances, all in one nft transaction. */
  apply(services: { appId: string; port: number; upstreams: ServiceUpstream[] }[]): Promise<void>;
  /** Gives the addresses of apps not in `appIds` back. */
  release(keepAppIds: Set<string>): void;
  /** Removes the rules and every claimed address (uninstall, tests). */
  remove(): Promise<void>;
}

const ipv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

/** `owner` tells this control plane's claims from others' (tests run several on one host). */
export function createServiceBalancer(o: { runDir: string; owner: string }): ServiceBalancer {
  if (!/^[a-z0-9_]{1,40}$/.test(o.owner)) throw new Error(`bad balancer owner "${o.owner}"`);
  const claimsDir = join(o.runDir, "service-addresses");
  const table = `skypanel_lb_${o.owner}`;
  const claims = new Map<string, number>();
  // Released addresses whose claim files go only once the table without them is loaded: until
  // then its old rules still reject (or rewrite) them, and another control plane that claimed one
  // meanwhile would see its connections refused.
  const releasing = new Set<number>();
  // The last ruleset loaded, and when: the reconciler syncs every few seconds, mostly unchanged.
  let last: { script: string; at: number } | null = null;

  // Claims made before a restart: files are `<index>`, their content `<owner>/<appId>`.
  mkdirSync(claimsDir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(claimsDir)) {
    const [owner, appId] = readFileSync(join(claimsDir, name), "utf8").split("/");
    if (owner === o.owner && appId) claims.set(appId, Number(name));
  }

  function claim(appId: string): number {
    const taken = new Set(readdirSync(claimsDir).map(Number));
    for (let index = 1; index <= SIZE; index++) {
      if (taken.has(index)) continue;
      try {
        // O_EXCL: two control planes never get the same address.
        const fd = openSync(join(claimsDir, String(index)), "wx", 0o600);
        writeSync(fd, `${o.owner}/${appId}`);
        closeSync(fd);
        return index;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
    throw new Error(`no free service address in ${SERVICE_CIDR}`);
  }

  function addressFor(appId: string): string {
    let index = claims.get(appId);
    if (index === undefined) {
      index = claim(appId);
      claims.set(appId, index);
    }
    return ipv4(BASE + index);
  }

  /** `dnat` to one of the upstreams: round-robin, or by weight over a random number. */
  function dnat(upstreams: ServiceUpstream[]): string {
    const target = (u: ServiceUpstream) => `${u.address} . ${u.port}`;
    const weights = upstreams.map((u) => Math.max(1, Math.round(u.weight ?? 1)));
    if (weights.every((w) => w === 1)) {
      const map = upstreams.map((u, i) => `${i} : ${target(u)}`).join(", ");
      return `dnat ip to numgen inc mod ${upstreams.length} map { ${map} }`;
    }
    let from = 0;
    const ranges = upstreams.map((u, i) => {
      const w = weights[i] ?? 1;
      const range = w === 1 ? `${from}` : `${from}-${from + w - 1}`;
      from += w;
      return `${range} : ${target(u)}`;
    });
    return `dnat ip to numgen random mod ${from} map { ${ranges.join(", ")} }`;
  }

  return {
    addressFor,

    async apply(services) {
      const rules = services
        .filter((s) => s.upstreams.length > 0)
        .map((s) => `    ip daddr ${addressFor(s.appId)} tcp dport ${s.port} ${dnat(s.upstreams)}`);
      // Replacing the table is atomic; connections already made keep their instance (conntrack).
      const script = [
        `table ip ${table}`,
        `delete table ip ${table}`,
        `table ip ${table} {`,
        "  chain nat_out {",
        "    type nat hook output priority -100; policy accept;",
        ...rules,
        "  }",
        // The instance sees the connection come from its veth's host end, as a direct one would.
        "  chain nat_post {",
        "    type nat hook postrouting priority 100; policy accept;",
        `    ip saddr ${SOURCE} ct original ip daddr ${SERVICE_CIDR} masquerade`,
        "  }",
        "  chain filter_out {",
        "    type filter hook output priority 0; policy accept;",
        // An app with no instance: refused at once (Caddy answers its 503 page), not a hang.
        ...[...claims.values()].map((i) => `    ip daddr ${ipv4(BASE + i)} reject with tcp reset`),
        "  }",
        "}",
      ].join("\n");
      // Unchanged: loaded again only once a minute, in case someone flushed the rules meanwhile.
      if (last?.script === script && Date.now() - last.at < 60_000 && releasing.size === 0) return;
      // Packets to a service address are routed at connect time, before the nat hook; without
      // this route they would fail as unreachable instead of being rewritten.
      const have = await run(IP, ["-4", "addr", "show", "dev", "lo"]);
      if (!have.stdout.includes(`${SOURCE}/32`)) await runChecked(IP, ["addr", "replace", `${SOURCE}/32`, "dev", "lo"]);
      await runChecked(IP, ["route", "replace", SERVICE_CIDR, "dev", "lo", "src", SOURCE]);
      await runChecked(NFT, ["-f", "-"], { input: `${script}\n` });
      last = { script, at: Date.now() };
      for (const index of releasing) rmSync(join(claimsDir, String(index)), { force: true });
      releasing.clear();
    },

    release(keepAppIds) {
      for (const [appId, index] of claims) {
        if (keepAppIds.has(appId)) continue;
        releasing.add(index);
        claims.delete(appId);
      }
    },

    async remove() {
      last = null;
      await run(NFT, ["delete", "table", "ip", table]);
      for (const index of [...claims.values(), ...releasing]) rmSync(join(claimsDir, String(index)), { force: true });
      claims.clear();
      releasing.clear();
    },
  };
}
