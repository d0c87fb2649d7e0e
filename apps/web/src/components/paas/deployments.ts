import type { Deployment, Release } from "../../hooks/useDeployments.ts";

/** One step of a deployment (packages/engine/src/deploy/steps.ts); the API types `steps` as unknown (a JSON column). */
export interface DeployStep {
  name: string;
  status: "running" | "succeeded" | "failed" | "skipped";
  startedAt: string | null;
  durationMs: number | null;
  detail: string | null;
}

const STEP_STATUSES = new Set<string>(["running", "succeeded", "failed", "skipped"]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function asSteps(steps: unknown): DeployStep[] {
  if (!Array.isArray(steps)) return [];
  return steps.filter(isRecord).map((s) => ({
    name: String(s.name ?? "step"),
    status: (STEP_STATUSES.has(String(s.status)) ? s.status : "running") as DeployStep["status"],
    startedAt: typeof s.startedAt === "string" ? s.startedAt : null,
    durationMs: typeof s.durationMs === "number" ? s.durationMs : null,
    detail: typeof s.detail === "string" ? s.detail : null,
  }));
}

/** A rollback is a deployment of an earlier release again; the engine marks it in the options. */
export const isRollback = (d: Deployment) => isRecord(d.options) && d.options.rollback === true;

/** The newest deployment that deploys (or waits for) this build. */
export const deploymentOfBuild = (list: readonly Deployment[] | undefined, buildId: string) =>
  list?.find((d) => isRecord(d.options) && d.options.buildId === buildId);

/** What a deployment did, in the list's words: a restart and a rollback deploy an existing release. */
export const deploymentKind = (d: Deployment) =>
  isRecord(d.options) && d.options.restart === true ? "Restart" : isRollback(d) ? "Rollback" : "Deploy";

/** A deploy strategy: the list is declared once (DEPLOY_STRATEGIES in packages/db) and reaches here through the API's types. */
export type DeployStrategy = Deployment["strategy"];

/** The dashboard's words for each strategy; a strategy added to the list fails tsc here until it has them. */
export const STRATEGIES: Record<DeployStrategy, { label: string; hint: string }> = {
  rolling: { label: "Rolling", hint: "one new instance in, one old out, until all are new" },
  blue_green: { label: "Blue-green", hint: "the whole new set starts beside the old, then traffic switches at once" },
  canary: { label: "Canary", hint: "one new instance takes a growing share of traffic first" },
};

export const strategyLabel = (s: DeployStrategy) => STRATEGIES[s].label;

/** "v3", or "—" when the release is unknown (a deployment still waiting for its build). */
export function versionOf(releases: Release[] | undefined, releaseId: string | null): string {
  const release = releaseId ? releases?.find((r) => r.id === releaseId) : undefined;
  return release ? `v${release.version}` : "—";
}

/** The first block of an id: enough to tell instances apart, as `docker ps` does. */
export const shortId = (id: string) => id.slice(0, 8);
