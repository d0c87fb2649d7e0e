// PyPI's vulnerability data, the source pip-audit reads by default: the JSON API's
// /pypi/<name>/<version>/json carries a `vulnerabilities` array (from the PyPA advisory
// database and OSV). Queried directly rather than through pip-audit, so no tool is installed
// and every request is capped here. PyPI's entries carry no severity: findings are unrated.
import { fetchJson, mapLimit, type ScanLimits, SourceUnavailableError } from "./http.ts";
import type { LockedVersion } from "./lockfiles.ts";
import type { Finding } from "./types.ts";

const GIVE_UP_AFTER = 8;

export interface PypiOutcome {
  findings: Finding[];
  /** Packages PyPI had no data for, or whose lookup failed: named in the scan's reason. */
  unchecked: { name: string; why: string }[];
}

interface PypiVulnerability {
  id?: unknown;
  aliases?: unknown;
  link?: unknown;
  summary?: unknown;
  details?: unknown;
  fixed_in?: unknown;
  withdrawn?: unknown;
}

export async function pypiFindings(base: string, packages: LockedVersion[], limits: ScanLimits, signal: AbortSignal): Promise<PypiOutcome> {
  const unchecked: PypiOutcome["unchecked"] = [];
  let answered = 0;
  const lists = await mapLimit(packages, limits.concurrency, async (p) => {
    // Where PyPI answers none of the first few, it will answer none (blocked, or a mirror without
    // the JSON API): the rest are not asked.
    if (answered === 0 && unchecked.length >= GIVE_UP_AFTER) {
      unchecked.push({ name: `${p.name}==${p.version}`, why: "not asked after the first lookups failed" });
      return [];
    }
    const url = `${base.replace(/\/$/, "")}/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}/json`;
    try {
      const { status, json } = await fetchJson(url, {}, limits, signal);
      if (status !== 200) {
        unchecked.push({ name: `${p.name}==${p.version}`, why: `HTTP ${status}` });
        return [];
      }
      answered++;
      const vulns = (json as { vulnerabilities?: unknown })?.vulnerabilities;
      if (!Array.isArray(vulns)) {
        unchecked.push({ name: `${p.name}==${p.version}`, why: "no vulnerability data in the answer" });
        return [];
      }
      return vulns.slice(0, 200).flatMap((v) => finding(p, v as PypiVulnerability));
    } catch (err) {
      if (!(err instanceof SourceUnavailableError)) throw err;
      unchecked.push({ name: `${p.name}==${p.version}`, why: err.message });
      return [];
    }
  });
  return { findings: lists.flat(), unchecked };
}

function finding(p: LockedVersion, v: PypiVulnerability): Finding[] {
  if (typeof v !== "object" || v === null || typeof v.id !== "string" || v.withdrawn) return [];
  const text = typeof v.summary === "string" && v.summary ? v.summary : typeof v.details === "string" ? v.details : "";
  const fixed = Array.isArray(v.fixed_in) ? v.fixed_in.filter((f): f is string => typeof f === "string") : [];
  return [
    {
      ecosystem: "PyPI",
      package: p.name,
      version: p.version,
      advisoryId: v.id.slice(0, 128),
      url: typeof v.link === "string" && /^https?:\/\//.test(v.link) ? v.link.slice(0, 500) : null,
      title: (text.split("\n")[0] ?? "").slice(0, 500),
      severity: null,
      fixedIn: fixed.length > 0 ? fixed.slice(0, 5).join(", ").slice(0, 200) : null,
    },
  ];
}
