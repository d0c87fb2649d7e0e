// The Go vulnerability database (vuln.go.dev): modules only, no call graph, so a finding means the
// build requires an affected version, not that the app calls the affected code. Its entries carry
// no severity: findings are unrated. Probed first: where it is not reachable (as on the machines
// this platform is tested on) the Go scan is "not checked" with that reason.
import semver from "semver";
import { fetchJson, mapLimit, type ScanLimits, SourceUnavailableError } from "./http.ts";
import type { LockedVersion } from "./lockfiles.ts";
import type { Finding } from "./types.ts";

// Advisories looked up per build: a module tree with more than this many is named as partly checked.
const MAX_ADVISORIES = 200;

interface ModuleEntry {
  path?: unknown;
  vulns?: { id?: unknown; fixed?: unknown }[];
}

// A database found unreachable is not asked again for a while: one failed lookup per control
// plane, not one per Go build.
const UNREACHABLE_FOR_MS = 10 * 60_000;
const unreachable = new Map<string, { reason: string; until: number }>();

export async function goFindings(base: string, modules: LockedVersion[], limits: ScanLimits, signal: AbortSignal): Promise<Finding[]> {
  const root = base.replace(/\/$/, "");
  const known = unreachable.get(root);
  if (known && known.until > Date.now()) throw new SourceUnavailableError(known.reason);
  const probe = await fetchJson(`${root}/index/db.json`, {}, limits, signal).catch((err) => {
    if (err instanceof SourceUnavailableError) return { status: 0, statusText: err.message, json: null };
    throw err;
  });
  if (probe.status !== 200) {
    const reason = `the Go vulnerability database is not reachable from this machine (${probe.status ? `HTTP ${probe.status}` : probe.statusText})`;
    if (!signal.aborted) unreachable.set(root, { reason, until: Date.now() + UNREACHABLE_FOR_MS });
    throw new SourceUnavailableError(reason);
  }
  unreachable.delete(root);
  const index = await fetchJson(`${root}/index/modules.json`, {}, limits, signal);
  if (index.status !== 200 || !Array.isArray(index.json))
    throw new SourceUnavailableError(`the Go vulnerability database's module index answered HTTP ${index.status}`);
  const wanted = new Map(modules.map((m) => [m.name, m]));
  const lookups: { module: LockedVersion; id: string }[] = [];
  for (const entry of index.json as ModuleEntry[]) {
    const module = typeof entry?.path === "string" ? wanted.get(entry.path) : undefined;
    if (!module || !Array.isArray(entry.vulns)) continue;
    for (const v of entry.vulns) {
      if (typeof v?.id !== "string" || !/^GO-\d{4}-\d{3,6}$/.test(v.id)) continue;
      // The index says the newest fix: a version at or past it is not affected.
      if (typeof v.fixed === "string" && compare(module.version, v.fixed) >= 0) continue;
      lookups.push({ module, id: v.id });
    }
  }
  const entries = await mapLimit(lookups.slice(0, MAX_ADVISORIES), limits.concurrency, async (l) => {
    const { status, json } = await fetchJson(`${root}/ID/${l.id}.json`, {}, limits, signal);
    return status === 200 ? { ...l, osv: json as OsvEntry } : null;
  });
  return entries.flatMap((e) => (e && affects(e.osv, e.module) ? [goFinding(e.id, e.osv, e.module)] : []));
}

interface OsvEntry {
  summary?: unknown;
  details?: unknown;
  database_specific?: { url?: unknown };
  affected?: { package?: { name?: unknown }; ranges?: { type?: unknown; events?: Record<string, unknown>[] }[] }[];
}

/** Whether an OSV entry's SEMVER ranges for the module include the version (introduced ≤ v < fixed). */
export function affects(osv: OsvEntry, module: LockedVersion): boolean {
  for (const a of Array.isArray(osv?.affected) ? osv.affected : []) {
    if (a?.package?.name !== module.name) continue;
    for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
      if (r?.type !== "SEMVER" || !Array.isArray(r.events)) continue;
      let inside = false;
      for (const e of r.events) {
        if (typeof e?.introduced === "string" && (e.introduced === "0" || compare(module.version, e.introduced) >= 0)) inside = true;
        if (typeof e?.fixed === "string" && compare(module.version, e.fixed) >= 0) inside = false;
      }
      if (inside) return true;
    }
  }
  return false;
}

function goFinding(id: string, osv: OsvEntry, module: LockedVersion): Finding {
  const summary = typeof osv.summary === "string" ? osv.summary : typeof osv.details === "string" ? osv.details : "";
  const fixes = (osv.affected ?? [])
    .filter((a) => a?.package?.name === module.name)
    .flatMap((a) => a.ranges ?? [])
    .flatMap((r) => r.events ?? [])
    .map((e) => e.fixed)
    .filter((f): f is string => typeof f === "string" && compare(f, module.version) > 0);
  const url = osv.database_specific?.url;
  return {
    ecosystem: "Go",
    package: module.name,
    version: module.version,
    advisoryId: id,
    url: typeof url === "string" && /^https?:\/\//.test(url) ? url.slice(0, 500) : `https://pkg.go.dev/vuln/${id}`,
    title: (summary.split("\n")[0] ?? "").slice(0, 500),
    severity: null,
    fixedIn: fixes.length > 0 ? `v${fixes.map(bare).sort(semver.compare)[0]}` : null,
  };
}

// Go writes v1.2.3; OSV's SEMVER events write 1.2.3. Both compare as semver.
const bare = (v: string) => v.replace(/^v/, "").replace(/\+incompatible$/, "");
function compare(a: string, b: string): number {
  const x = semver.valid(bare(a));
  const y = semver.valid(bare(b));
  return x && y ? semver.compare(x, y) : 0;
}
