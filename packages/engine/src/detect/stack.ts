// What each stack rule hands back to detectBuildPlan, before the Procfile and the port are
// applied. Every rule lives in its own file and exports one StackRule.
import type { SourceTree } from "./files.ts";
import type { BuildPlan, Framework, PackageManager, Stack } from "./plan.ts";
import type { PlatformToolchains } from "./versions.ts";

export type Reason = BuildPlan["reasons"][number];

export interface StackDetection {
  stack: Stack;
  framework: Framework | null;
  versions: Record<string, string>;
  packageManager: PackageManager;
  lockfiles: string[];
  install: string | null;
  build: string | null;
  test: string | null;
  /** The stack's default `web` command; null when it could not find one, with the why in noWeb. */
  web: string | null;
  noWeb?: string;
  /** A `worker` command, for an app whose only entry is not a web server; dropped when a Procfile declares processes. */
  worker?: string;
  /** Set only when the source names a port (Dockerfile EXPOSE). */
  port?: number;
  reasons: Reason[];
  warnings: string[];
  dockerfile?: BuildPlan["dockerfile"];
}

export interface StackRule {
  stack: Stack;
  /** Files whose presence selects this stack, relative to the source root. */
  markers: readonly string[];
  /**
   * Called only when one of the markers exists; `marker` is the first one found. `platform` is
   * what builds run with, for rules that refuse a version the platform cannot honour.
   */
  detect(tree: SourceTree, marker: string, platform: PlatformToolchains): Promise<StackDetection>;
}

/** One entry of the plan's reasons. */
export function reason(topic: string, text: string): Reason {
  return { topic, reason: text };
}
