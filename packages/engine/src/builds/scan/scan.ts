// The build's vulnerability scan: which versions the lockfiles pin (read at once, while the
// source is staged), then each ecosystem's advisory source asked (in the background, beside the
// build). Anything that goes wrong makes that ecosystem "not checked: <why>"; nothing here fails
// a build.
import type { BuildPlan } from "../../detect/plan.ts";
import { parseToml } from "../../detect/toml.ts";
import { LOCKFILES, type Lockfile, lockedPackages } from "../deps/python-locks.ts";
import { readSourceFile } from "../deps/python-requirements.ts";
import { goFindings } from "./go.ts";
import { DEFAULT_SCAN_LIMITS, type ScanLimits, SourceUnavailableError } from "./http.ts";
import {
  goModVersions,
  type LockedSet,
  npmLockVersions,
  pythonLockedVersions,
  requirementsVersions,
  yarnLockVersions,
} from "./lockfiles.ts";
import { npmFindings } from "./npm.ts";
import { pypiFindings } from "./pypi.ts";
import type { EcosystemScan, Finding, ScanReport } from "./types.ts";

/** Where each ecosystem's advisories come from: the public services, or an operator's mirror. */
export interface VulnerabilitySources {
  /** npm's bulk advisory endpoint (what `npm audit` posts to). */
  npmAdvisoriesUrl: string;
  /** PyPI's JSON API: `<base>/<name>/<version>/json`. */
  pypiJsonUrl: string;
  /** The Go vulnerability database (index/db.json, index/modules.json, ID/<id>.json). */
  goVulnDbUrl: string;
}

export const DEFAULT_VULNERABILITY_SOURCES: VulnerabilitySources = {
  npmAdvisoriesUrl: "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  pypiJsonUrl: "https://pypi.org/pypi",
  goVulnDbUrl: "https://vuln.go.dev",
};

export interface ScanSettings {
  sources: VulnerabilitySources;
  limits: ScanLimits;
  /** The whole scan's time cap; what has not answered by then is not checked. */
  deadlineMs: number;
}

export const DEFAULT_SCAN_SETTINGS: ScanSettings = {
  sources: DEFAULT_VULNERABILITY_SOURCES,
  limits: DEFAULT_SCAN_LIMITS,
  deadlineMs: 60_000,
};

/** One ecosystem's pinned versions, ready to look up, or the reason there is nothing to look up. */
export type LockedEcosystem =
  | { ecosystem: "npm" | "PyPI" | "Go"; set: LockedSet }
  | { ecosystem: EcosystemScan["ecosystem"]; notChecked: string; lockfile?: string };

const exists = (sourceDir: string, file: string) => {
  try {
    return readSourceFile(sourceDir, file);
  } catch {
    return null;
  }
};

/** Reads the lockfiles the plan's stack uses (never past the source, never more than 16 MB each). */
export function lockedVersions(plan: Pick<BuildPlan, "stack" | "lockfiles">, sourceDir: string): LockedEcosystem[] {
  const read = (ecosystem: "npm" | "PyPI" | "Go", lockfile: string, parse: () => LockedSet): LockedEcosystem => {
    try {
      return { ecosystem, set: parse() };
    } catch (err) {
      return { ecosystem, lockfile, notChecked: `${lockfile} could not be read: ${(err as Error).message}` };
    }
  };
  switch (plan.stack) {
    case "nodejs": {
      for (const file of ["npm-shrinkwrap.json", "package-lock.json"]) {
        const text = exists(sourceDir, file);
        if (text !== null) return [read("npm", file, () => npmLockVersions(file, text))];
      }
      const yarn = exists(sourceDir, "yarn.lock");
      if (yarn !== null) return [read("npm", "yarn.lock", () => yarnLockVersions(yarn))];
      if (exists(sourceDir, "pnpm-lock.yaml") !== null)
        return [{ ecosystem: "npm", lockfile: "pnpm-lock.yaml", notChecked: "pnpm-lock.yaml is not read by the scan yet" }];
      return [{ ecosystem: "npm", notChecked: "no package-lock.json, npm-shrinkwrap.json or yarn.lock says which versions are installed" }];
    }
    case "python": {
      const lock = plan.lockfiles.find((f): f is Lockfile => (LOCKFILES as readonly string[]).includes(f));
      if (lock) {
        return [
          read("PyPI", lock, () => {
            const pyproject = exists(sourceDir, "pyproject.toml");
            const packages = lockedPackages(lock, exists(sourceDir, lock) ?? "", pyproject ? parseToml(pyproject) : null);
            return pythonLockedVersions(lock, packages);
          }),
        ];
      }
      const requirements = exists(sourceDir, "requirements.txt");
      if (requirements !== null) return [read("PyPI", "requirements.txt", () => requirementsVersions(requirements))];
      return [{ ecosystem: "PyPI", notChecked: "no lockfile or requirements.txt pins the versions installed" }];
    }
    case "go": {
      const goMod = exists(sourceDir, "go.mod");
      if (goMod === null) return [{ ecosystem: "Go", notChecked: "no go.mod names the modules used" }];
      return [read("Go", "go.mod", () => goModVersions(goMod))];
    }
    default:
      return [
        {
          ecosystem: "other",
          notChecked: `vulnerability scanning covers Node.js, Python and Go dependencies; a ${plan.stack} app's are not checked`,
        },
      ];
  }
}

/** Asks each ecosystem's source about its pinned versions, within the settings' caps. Never throws. */
export async function lookUpVulnerabilities(locked: LockedEcosystem[], settings: ScanSettings, signal: AbortSignal): Promise<ScanReport> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(settings.deadlineMs)]);
  const results = await Promise.all(locked.map((l) => lookUpOne(l, settings, deadline)));
  return { scans: results.map((r) => r.scan), findings: results.flatMap((r) => r.findings) };
}

async function lookUpOne(l: LockedEcosystem, s: ScanSettings, signal: AbortSignal): Promise<{ scan: EcosystemScan; findings: Finding[] }> {
  if ("notChecked" in l) {
    return {
      scan: { ecosystem: l.ecosystem, status: "not_checked", reason: l.notChecked, lockfile: l.lockfile ?? null, packages: 0 },
      findings: [],
    };
  }
  const { set } = l;
  const packages = set.packages.slice(0, s.limits.maxPackages);
  const notes: string[] = [];
  if (set.packages.length > packages.length)
    notes.push(`only the first ${packages.length} of ${set.packages.length} packages were checked`);
  if (set.skipped > 0)
    notes.push(`${set.skipped} ${set.skipped === 1 ? "entry was" : "entries were"} not checked (not a pinned registry package)`);
  const scan = (status: EcosystemScan["status"], reason: string | null): EcosystemScan => ({
    ecosystem: l.ecosystem,
    status,
    reason,
    lockfile: set.lockfile,
    packages: packages.length,
  });
  try {
    let findings: Finding[];
    if (l.ecosystem === "npm") findings = packages.length ? await npmFindings(s.sources.npmAdvisoriesUrl, packages, s.limits, signal) : [];
    else if (l.ecosystem === "Go") findings = packages.length ? await goFindings(s.sources.goVulnDbUrl, packages, s.limits, signal) : [];
    else {
      const outcome = await pypiFindings(s.sources.pypiJsonUrl, packages, s.limits, signal);
      if (packages.length > 0 && outcome.unchecked.length === packages.length) {
        const first = outcome.unchecked[0];
        return {
          scan: scan("not_checked", `PyPI's vulnerability data could not be read for any package (${first?.name}: ${first?.why})`),
          findings: [],
        };
      }
      if (outcome.unchecked.length > 0) {
        const named = outcome.unchecked.slice(0, 5).map((u) => `${u.name} (${u.why})`);
        notes.push(`${outcome.unchecked.length} could not be looked up: ${named.join(", ")}${outcome.unchecked.length > 5 ? ", …" : ""}`);
      }
      findings = outcome.findings;
    }
    return { scan: scan(findings.length > 0 ? "findings" : "clean", notes.length ? notes.join("; ") : null), findings };
  } catch (err) {
    const why = err instanceof SourceUnavailableError ? err.message : `the scan failed (${(err as Error).message})`;
    return { scan: scan("not_checked", why.slice(0, 1000)), findings: [] };
  }
}
