import { formatBytes } from "../../lib/format.ts";
import type { RouterOutputs } from "../../lib/trpc.ts";

export type Build = RouterOutputs["builds"]["get"];
export type BuildSummary = RouterOutputs["builds"]["list"][number];
export type BuildStatus = Build["status"];
export type BuildStage = Build["stages"][number];
export type BuildSource = Build["source"];

/** A build that can still change, and can be cancelled. */
export const isActiveBuild = (status: string) => status === "queued" || status === "running";

/**
 * The build plan as the dashboard shows it (packages/engine/src/detect/plan.ts). The API types
 * `plan` as unknown (a JSON column), so it is read defensively here.
 */
export interface BuildPlanView {
  stack: string;
  framework: string | null;
  versions: Record<string, string>;
  packageManager: string;
  install: string | null;
  build: string | null;
  test: string | null;
  processes: Record<string, string>;
  release: string | null;
  port: number | null;
  reasons: { topic: string; reason: string }[];
  warnings: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : null);
const strings = (v: unknown): Record<string, string> =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string")) : {};

export function asPlan(plan: unknown): BuildPlanView | null {
  if (!isRecord(plan) || typeof plan.stack !== "string") return null;
  return {
    stack: plan.stack,
    framework: str(plan.framework),
    versions: strings(plan.versions),
    packageManager: str(plan.packageManager) ?? "none",
    install: str(plan.install),
    build: str(plan.build),
    test: str(plan.test),
    processes: strings(plan.processes),
    release: str(plan.release),
    port: typeof plan.port === "number" ? plan.port : null,
    reasons: Array.isArray(plan.reasons)
      ? plan.reasons.filter(isRecord).map((r) => ({ topic: String(r.topic ?? ""), reason: String(r.reason ?? "") }))
      : [],
    warnings: Array.isArray(plan.warnings) ? plan.warnings.filter((w): w is string => typeof w === "string") : [],
  };
}

/** One line saying where a build's source came from. */
export function describeSource(source: BuildSource): string {
  if ("type" in source) {
    if (source.type === "git") return `${source.url}@${source.ref ?? "default branch"}`;
    if (source.type === "archive") return `${source.filename} (${formatBytes(source.bytes)})`;
    if (source.type === "push") return `git push ${source.ref} @ ${source.sha.slice(0, 7)}`;
  }
  return "unknown source";
}

/** "cache hit", "cache miss", or null while the dependency stage has not decided. */
export function cacheLabel(hit: boolean | null): string | null {
  if (hit === null) return null;
  return hit ? "cache hit" : "cache miss";
}
