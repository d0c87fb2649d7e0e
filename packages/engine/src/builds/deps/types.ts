import type { BuildPlan } from "../../detect/plan.ts";
import type { BuildNetwork } from "../network.ts";

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
  /** The registries, proxy and TLS trust the platform's settings give builds. */
  network: BuildNetwork;
  log: (line: string) => void;
  signal: AbortSignal;
  timeoutMs: number;
}

/** A stack's dependency step: what keys its cache, and how to fetch it into a directory. */
export interface DependencyFetcher {
  key(plan: BuildPlan, sourceDir: string, toolchainId: string): string;
  fetch(plan: BuildPlan, sourceDir: string, ctx: FetchContext): Promise<string>;
}

/**
 * A runtime the app asks for that the platform's toolchain lacks (a Node.js release): chosen
 * before the plan is stored, so the plan says which and why, and fetched as a cached layer of its
 * own, keyed by what it is (release and arch), so every app asking for it shares one copy.
 */
export interface RuntimeLayer {
  key: string;
  /** For the build log, e.g. "Node 22.23.5". */
  what: string;
  fetch(ctx: FetchContext): Promise<string>;
}

/** A stack's runtime choice: the plan saying what was chosen, and the layer to fetch (null: the platform's own). */
export type RuntimeChooser = (
  plan: BuildPlan,
  sourceDir: string,
  ctx: Pick<FetchContext, "workDir" | "path" | "npmCache" | "log" | "signal" | "timeoutMs">,
) => Promise<{ plan: BuildPlan; layer: RuntimeLayer | null }>;
