export { type LogLine, MAX_LOG_LINES } from "./log.ts";
export { BUILD_NETWORK_SETTINGS, type BuildNetwork, buildNetwork, DEFAULT_BUILD_NETWORK } from "./network.ts";
export { type BuildJobPayload, type PipelineDeps, runBuild } from "./pipeline.ts";
export {
  DEFAULT_SCAN_SETTINGS,
  DEFAULT_VULNERABILITY_SOURCES,
  type ScanSettings,
  type VulnerabilityReport,
  type VulnerabilitySources,
} from "./scan/index.ts";
export { BuildNotFoundError, type Builds, createBuilds, type NewBuildSource } from "./service.ts";
export { FALLBACK_WORK_BASE, prepareWorkRoot, type WorkRoot, WorkRootError } from "./work-root.ts";
