// What the supervisor asks for: one instance of one process type of one release.
import { z } from "zod";
import { EngineError, ValidationError } from "../errors.ts";
import { isStorePath } from "../nix/index.ts";
import type { EgressPolicy } from "./egress-policy.ts";

export type RuntimeMode = "nspawn" | "bwrap" | "process";

export interface InstanceLimits {
  memoryBytes: number;
  /** Cores' worth of CPU time: 0.5 is half a core. */
  cpuQuota: number;
  /** Tasks (processes and threads, as Linux counts them) in the instance, its container's 3 helpers included. */
  maxProcs: number;
  /** cgroup v2's io.weight scale: 1–10000, 100 is the default share. */
  ioWeight: number;
}

export interface InstanceSpec {
  /** Names the cgroup, network namespace and container: lowercase letters, digits, dashes. */
  instanceId: string;
  appName: string;
  processType: string;
  /** A shell command from the build plan, run in `<artifact>/app`. */
  command: string;
  /** The release's Nix store path; the app is `<artifactPath>/app`. */
  artifactPath: string;
  /** Decrypted config vars (PORT is set from `port`). */
  env: Record<string, string>;
  port: number;
  limits: InstanceLimits;
  mode: RuntimeMode;
  /** What the instance may reach outside the platform; absent: nothing (deny). Process mode has no say. */
  egress?: EgressPolicy;
}

export const DEFAULT_LIMITS: InstanceLimits = { memoryBytes: 512 * 1024 * 1024, cpuQuota: 1, maxProcs: 256, ioWeight: 100 };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const specSchema = z.object({
  instanceId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, "an instance id is 1–60 lowercase letters, digits or dashes"),
  appName: z.string().min(1).max(64),
  processType: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "a process type is letters, digits, dashes or underscores"),
  command: z
    .string()
    .trim()
    .min(1, "the command is empty")
    .max(64 * 1024),
  artifactPath: z.string().refine(isStorePath, "the artifact must be a Nix store path"),
  env: z
    .record(
      z.string(),
      z.string().refine((v) => !v.includes("\0"), "config values cannot hold NUL bytes"),
    )
    .refine((env) => Object.keys(env).every((name) => ENV_NAME.test(name)), "config var names are POSIX names ([A-Za-z_][A-Za-z0-9_]*)"),
  port: z.number().int().min(1024).max(65535),
  limits: z.object({
    memoryBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024, "memory limit below 16 MiB"),
    cpuQuota: z.number().min(0.01).max(1024),
    maxProcs: z.number().int().min(8).max(1_000_000),
    ioWeight: z.number().int().min(1).max(10_000),
  }),
  mode: z.enum(["nspawn", "bwrap", "process"]),
});

export class InvalidInstanceSpecError extends ValidationError {}

export function checkSpec(spec: InstanceSpec): InstanceSpec {
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInstanceSpecError(`Cannot start instance: ${issue?.path.join(".") || "spec"}: ${issue?.message ?? "invalid"}.`);
  }
  return spec;
}

export class RuntimeUnavailableError extends EngineError {
  constructor(message: string) {
    super("PRECONDITION_FAILED", message);
  }
}

export class InstanceStartError extends EngineError {
  constructor(instanceId: string, why: string) {
    super("PRECONDITION_FAILED", `Instance ${instanceId} did not start: ${why}`);
  }
}

/** One uid per app (never a host user's): its instances share it, other apps never do in practice. */
export function appUid(appName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(appName)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return 1_000_000_000 + (hash % 1_000_000_000);
}
