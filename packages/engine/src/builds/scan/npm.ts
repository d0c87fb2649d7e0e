// npm's advisories from the registry's bulk endpoint, the one `npm audit` uses: POST
// {"name": ["version", …]} and get back, per package, the advisories whose vulnerable range
// touches any of those versions. Which locked version each advisory hits is decided here, with
// semver, as npm audit does.
import semver from "semver";
import { fetchJson, mapLimit, type ScanLimits, SourceUnavailableError } from "./http.ts";
import type { LockedVersion } from "./lockfiles.ts";
import { normalizeSeverity } from "./severity.ts";
import type { Finding } from "./types.ts";

// Packages per request: npm audit sends a whole tree at once; slices keep each answer small.
const PER_REQUEST = 250;

interface BulkAdvisory {
  id?: unknown;
  url?: unknown;
  title?: unknown;
  severity?: unknown;
  vulnerable_versions?: unknown;
}

export async function npmFindings(
  endpoint: string,
  packages: LockedVersion[],
  limits: ScanLimits,
  signal: AbortSignal,
): Promise<Finding[]> {
  const byName = new Map<string, string[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p.version]);
  const names = [...byName.keys()];
  const slices: string[][] = [];
  for (let i = 0; i < names.length; i += PER_REQUEST) slices.push(names.slice(i, i + PER_REQUEST));
  const answers = await mapLimit(slices, Math.min(limits.concurrency, 2), async (slice) => {
    const body = Object.fromEntries(slice.map((n) => [n, byName.get(n) ?? []]));
    const { status, statusText, json } = await fetchJson(endpoint, { method: "POST", body: JSON.stringify(body) }, limits, signal);
    if (status !== 200)
      throw new SourceUnavailableError(`npm's advisory endpoint answered HTTP ${status}${statusText ? ` ${statusText}` : ""}`);
    if (typeof json !== "object" || json === null || Array.isArray(json))
      throw new SourceUnavailableError("npm's advisory endpoint answered something other than advisories");
    return json as Record<string, unknown>;
  });
  const findings: Finding[] = [];
  for (const answer of answers) {
    for (const [name, advisories] of Object.entries(answer)) {
      const versions = byName.get(name);
      if (!versions || !Array.isArray(advisories)) continue;
      for (const a of advisories.slice(0, 200) as BulkAdvisory[]) findings.push(...affected(name, versions, a));
    }
  }
  return findings;
}

function affected(name: string, versions: string[], a: BulkAdvisory): Finding[] {
  if (typeof a !== "object" || a === null || typeof a.vulnerable_versions !== "string") return [];
  const range = a.vulnerable_versions.slice(0, 500);
  const url = typeof a.url === "string" && /^https?:\/\//.test(a.url) ? a.url.slice(0, 500) : null;
  // GitHub's id (GHSA-…) when the URL carries it: the id other tools and the advisory pages use.
  const ghsa = url ? /GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}/.exec(url)?.[0] : undefined;
  const advisoryId = ghsa ?? (typeof a.id === "number" || typeof a.id === "string" ? `npm-${String(a.id).slice(0, 100)}` : null);
  if (!advisoryId) return [];
  return versions
    .filter((v) => {
      try {
        return semver.satisfies(v, range, { includePrerelease: true });
      } catch {
        return false;
      }
    })
    .map((version) => ({
      ecosystem: "npm" as const,
      package: name,
      version,
      advisoryId,
      url,
      title: typeof a.title === "string" ? a.title.slice(0, 500) : "",
      severity: normalizeSeverity(a.severity),
      fixedIn: fixedIn(range),
    }));
}

/** The first safe version when the range says so plainly ("<1.2.6", ">=1.0.0 <1.2.6"); null otherwise. */
export function fixedIn(range: string): string | null {
  const m = /^(?:>=?\s*\S+\s+)?<\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(range.trim());
  return m ? (m[1] as string) : null;
}
