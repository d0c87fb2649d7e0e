import type { BuildPlan } from "../../detect/plan.ts";

export interface FetchContext {
  /** A scratch directory for this build's dependency work. */
  workDir: string;
  /** The toolchain's PATH. */
  path: string;
  /** npm's download cache, shared by builds and owned by the unprivileged user. */
  npmCache: string;
  /**
   * Where other download caches go (`<cacheRoot>/pip`, `<cacheRoot>/go`…), shared by builds;
   * make each with unprivilegedDir() so the unprivileged installer owns it.
   */
  cacheRoot: string;
  /** The JavaScript entry points of the bundled yarn and pnpm. */
  tools: { yarn: string; pnpm: string };
  log: (line: string) => void;
  signal: AbortSignal;
  timeoutMs: number;
}

/** A stack's dependency step: what keys its cache, and how to fetch it into a directory. */
export interface DependencyFetcher {
  key(plan: BuildPlan, sourceDir: string, toolchainId: string): string;
  fetch(plan: BuildPlan, sourceDir: string, ctx: FetchContext): Promise<string>;
}
