// Vulnerability scanning of a build's locked dependencies: npm's advisories, PyPI's vulnerability
// data, the Go vulnerability database. The build pipeline runs it; the deploy guard reads what it stored.
export { DEFAULT_SCAN_LIMITS, type ScanLimits } from "./http.ts";
export { goModVersions, type LockedSet, type LockedVersion, npmLockVersions, requirementsVersions, yarnLockVersions } from "./lockfiles.ts";
export { type RunningScan, scanBuildDependencies } from "./record.ts";
export { type VulnerabilityReport, vulnerabilityReport } from "./report.ts";
export {
  DEFAULT_SCAN_SETTINGS,
  DEFAULT_VULNERABILITY_SOURCES,
  type LockedEcosystem,
  lockedVersions,
  lookUpVulnerabilities,
  type ScanSettings,
  type VulnerabilitySources,
} from "./scan.ts";
export { countBySeverity, describeFindings, normalizeSeverity, type SeverityCounts } from "./severity.ts";
export type { EcosystemScan, Finding, ScanReport } from "./types.ts";
