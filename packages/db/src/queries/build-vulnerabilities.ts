import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import {
  type BuildVulnerability,
  type BuildVulnerabilityScan,
  buildVulnerabilities,
  buildVulnerabilityScans,
  teams,
  VULNERABILITY_SEVERITIES,
} from "../schema/index.ts";

export type NewBuildVulnerability = Omit<BuildVulnerability, "id" | "buildId" | "createdAt">;
export type NewBuildVulnerabilityScan = Omit<BuildVulnerabilityScan, "buildId" | "scannedAt">;

/** Replaces a build's scan record (a build run again after a restart scans again). */
export async function replaceBuildScan(
  db: Database,
  buildId: string,
  scans: NewBuildVulnerabilityScan[],
  findings: NewBuildVulnerability[],
) {
  await db.transaction(async (tx) => {
    await tx.delete(buildVulnerabilities).where(eq(buildVulnerabilities.buildId, buildId));
    await tx.delete(buildVulnerabilityScans).where(eq(buildVulnerabilityScans.buildId, buildId));
    if (scans.length > 0) await tx.insert(buildVulnerabilityScans).values(scans.map((s) => ({ ...s, buildId })));
    // In slices, so a build with thousands of findings stays under the driver's parameter limit.
    for (let i = 0; i < findings.length; i += 500) {
      await tx.insert(buildVulnerabilities).values(findings.slice(i, i + 500).map((f) => ({ ...f, buildId })));
    }
  });
}

// Worst first, then by package: the order the dashboard, the API and the deploy error list them in.
const severityOrder = sql`array_position(ARRAY[${sql.join(
  VULNERABILITY_SEVERITIES.map((s) => sql`${s}`),
  sql`, `,
)}]::text[], ${buildVulnerabilities.severity}) NULLS LAST`;

export async function listBuildScans(db: Database, buildId: string) {
  return db
    .select()
    .from(buildVulnerabilityScans)
    .where(eq(buildVulnerabilityScans.buildId, buildId))
    .orderBy(asc(buildVulnerabilityScans.ecosystem));
}

export async function listBuildVulnerabilities(db: Database, buildId: string, p: { severity?: BuildVulnerability["severity"] } = {}) {
  const filters = [eq(buildVulnerabilities.buildId, buildId)];
  if (p.severity) filters.push(eq(buildVulnerabilities.severity, p.severity));
  return db
    .select()
    .from(buildVulnerabilities)
    .where(and(...filters))
    .orderBy(severityOrder, asc(buildVulnerabilities.package), asc(buildVulnerabilities.advisoryId));
}

export async function setTeamBlocksCriticalDeploys(db: Database, teamId: string, block: boolean) {
  const rows = await db
    .update(teams)
    .set({ blockCriticalDeploys: block, updatedAt: new Date() })
    .where(eq(teams.id, teamId))
    .returning({ id: teams.id });
  return rows.length > 0;
}
