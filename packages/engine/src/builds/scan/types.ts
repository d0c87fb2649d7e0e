import type { FindingEcosystem, ScanEcosystem, ScanStatus, VulnerabilitySeverity } from "@skypanel/db";

/** One advisory that affects one locked package version. */
export interface Finding {
  ecosystem: FindingEcosystem;
  package: string;
  version: string;
  /** GHSA-…, PYSEC-…, GO-…, or the source's own id. */
  advisoryId: string;
  url: string | null;
  title: string;
  /** Null when the source rates none. */
  severity: VulnerabilitySeverity | null;
  fixedIn: string | null;
}

/** What one ecosystem's scan did: looked at `packages` from `lockfile`, or could not, and why. */
export interface EcosystemScan {
  ecosystem: ScanEcosystem;
  status: ScanStatus;
  reason: string | null;
  lockfile: string | null;
  packages: number;
}

export interface ScanReport {
  scans: EcosystemScan[];
  findings: Finding[];
}
