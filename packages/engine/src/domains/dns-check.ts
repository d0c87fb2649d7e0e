// Whether a custom domain's DNS leads to the platform: a CNAME to the app's platform hostname,
// or A/AAAA records that are all the platform's public addresses.
import { Resolver } from "node:dns/promises";

export type DnsStatus = "unchecked" | "ok" | "pending" | "wrong";

export interface DnsCheckOptions {
  /** DNS servers asked (`1.1.1.1`, `127.0.0.1:8053`); absent or empty: the system's. */
  dnsServers?: string[];
  /** The platform's public addresses: an A/AAAA record to one of them is as good as the CNAME. */
  publicIps?: string[];
  /** Per-query timeout (default 2 s, two tries). */
  timeoutMs?: number;
}

/** `status: null`: DNS did not answer, so what was known stays; `error` says why. */
export interface DnsCheckResult {
  status: Exclude<DnsStatus, "unchecked"> | null;
  error: string | null;
}

// Codes that mean "no such record", as opposed to "could not ask".
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND"]);
const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");

export function createDnsChecker(options: DnsCheckOptions = {}) {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2_000, tries: 2 });
  if (options.dnsServers && options.dnsServers.length > 0) resolver.setServers(options.dnsServers);
  const publicIps = new Set(options.publicIps ?? []);
  const expected = (target: string) =>
    publicIps.size > 0 ? `a CNAME to ${target} (or A/AAAA records to ${[...publicIps].join(", ")})` : `a CNAME to ${target}`;

  async function records(query: () => Promise<string[]>): Promise<string[]> {
    try {
      return await query();
    } catch (err) {
      if (NO_RECORD.has((err as NodeJS.ErrnoException).code ?? "")) return [];
      throw err;
    }
  }

  return {
    servers: () => resolver.getServers(),

    async check(hostname: string, dnsTarget: string): Promise<DnsCheckResult> {
      try {
        const cnames = (await records(() => resolver.resolveCname(hostname))).map(bare);
        if (cnames.length > 0) {
          if (cnames.includes(bare(dnsTarget))) return { status: "ok", error: null };
          return { status: "wrong", error: `${hostname} has a CNAME to ${cnames.join(", ")}; expected ${expected(dnsTarget)}.` };
        }
        const [v4, v6] = await Promise.all([records(() => resolver.resolve4(hostname)), records(() => resolver.resolve6(hostname))]);
        const addresses = [...v4, ...v6];
        if (addresses.length === 0) {
          return { status: "pending", error: `${hostname} has no CNAME or A/AAAA record yet; add ${expected(dnsTarget)}.` };
        }
        if (publicIps.size > 0 && addresses.every((a) => publicIps.has(a))) return { status: "ok", error: null };
        return { status: "wrong", error: `${hostname} points at ${addresses.join(", ")}; expected ${expected(dnsTarget)}.` };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        return { status: null, error: `The DNS check of ${hostname} could not finish (${code} from ${resolver.getServers().join(", ")}).` };
      }
    },
  };
}

export type DnsChecker = ReturnType<typeof createDnsChecker>;
