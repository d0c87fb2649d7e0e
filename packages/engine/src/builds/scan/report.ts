// A build's vulnerability report as the dashboard, the API and the CLI show it.
import type { BuildVulnerability, BuildVulnerabilityScan, Database } from "@skypanel/db";
import { listBuildScans, listBuildVulnerabilities } from "@skypanel/db/queries";
import { countBySeverity, type SeverityCounts } from "./severity.ts";

export interface VulnerabilityReport {
  /** False for a build that was never scanned (made before scanning, still running, or failed first). */
  scanned: boolean;
  counts: SeverityCounts;
  scans: Omit<BuildVulnerabilityScan, "buildId">[];
  findings: Omit<BuildVulnerability, "buildId">[];
}

export async function vulnerabilityReport(db: Database, buildId: string): Promise<VulnerabilityReport> {
  const [scans, findings] = await Promise.all([listBuildScans(db, buildId), listBuildVulnerabilities(db, buildId)]);
  return {
    scanned: scans.length > 0,
    counts: countBySeverity(findings),
    scans: scans.map(({ buildId: _, ...s }) => s),
    findings: findings.map(({ buildId: _, ...f }) => f),
  };
}
