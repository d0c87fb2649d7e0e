// The container runtime: instances of a release's processes in systemd-nspawn (or bubblewrap),
// each with its own namespaces, address, cgroup limits and firewall rules.
export { type AttachedInstance, type AttachedIo, clampSize, type TerminalSize } from "./attached.ts";
export { type CgroupHost, detectCgroupHost } from "./cgroups.ts";
export { applyInstanceEgress } from "./egress.ts";
export {
  checkEgressPolicy,
  DENY_ALL_EGRESS,
  EGRESS_MODES,
  type EgressMode,
  type EgressPolicy,
  type EgressRule,
  formatEgressRule,
  MAX_EGRESS_RULES,
  parseEgressRule,
} from "./egress-policy.ts";
export { BASE_PATH, instanceEnv } from "./env.ts";
export { drainInstance } from "./idle-connections.ts";
export type { ExitReason, Instance, InstanceExit, InstanceNetworkInfo } from "./instance.ts";
export type { InstanceUsage } from "./readings.ts";
export { createRuntime, type Runtime, type RuntimeOptions } from "./runtime.ts";
export {
  DEFAULT_LIMITS,
  type InstanceLimits,
  type InstanceSpec,
  InstanceStartError,
  InvalidInstanceSpecError,
  type RuntimeMode,
  RuntimeUnavailableError,
} from "./spec.ts";
