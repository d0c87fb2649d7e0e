import { formatBytes } from "../../lib/format.ts";
import type { RouterOutputs } from "../../lib/trpc.ts";

export type Build = RouterOutputs["builds"]["get"];
export type BuildSummary = RouterOutputs["builds"]["list"][number];
export type BuildStatus = Build["status"];
export type BuildStage = Build["stages"][number];
export type BuildSource = Build["source"];

/** A build that can still change, and can be cancelled. */
export const isActiveBuild = (status: string) => status === "queued" || status === "running";

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
