// Pipelines and review apps in the stub tRPC server, following apps/bff's pipelines and
// reviewApps routers (the contract in engine/pipelines/types.ts) with a subset of the engine's
// checks and its words. Promotion plays the engine: a new release of kind "promotion" on each
// target with the source's store path, and a queued deployment the test then moves along.
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import type { StubApp } from "./stubBackend.ts";
import { type StubRelease, type StubRuntime, stubDeployment } from "./stubRuntime.ts";
import { StubDetailedError, type StubProcedure, t } from "./stubTrpc.ts";

type View = RouterOutputs["pipelines"]["get"];
type Stage = View["stages"][number]["stage"];
type ReleaseView = NonNullable<View["stages"][number]["apps"][number]["release"]>;
export type StubReviewApp = View["reviewApps"][number];

export interface StubPipeline {
  id: string;
  name: string;
  teamId: string;
  /** App names by stage. */
  stages: Record<Stage, string[]>;
  reviewApps: StubReviewApp[];
  review: View["review"];
}

export interface StubPipelines {
  pipelines: StubPipeline[];
  /** The commit of each release that has one, by release id. */
  commits: Record<string, string>;
  /** Release ids whose build the team's vulnerability policy blocks unless an override reason is given. */
  blocked: string[];
}

export function stubPipeline(name: string, extra: Partial<StubPipeline> = {}): StubPipeline {
  return {
    id: `pipeline-${name}`,
    name,
    teamId: "team-1",
    stages: { development: [], staging: [], production: [], ...extra.stages },
    reviewApps: [],
    review: {
      enabled: false,
      parentApp: null,
      addons: true,
      maxApps: 5,
      whenFull: "refuse_newest",
      ttlSeconds: null,
      repository: null,
      webhook: false,
      ...extra.review,
    },
    ...extra,
  };
}

export function stubReviewApp(branch: string, extra: Partial<StubReviewApp> = {}): StubReviewApp {
  return {
    id: `review-${branch}`,
    branch,
    prNumber: null,
    status: "deployed",
    error: null,
    origin: "api",
    app: { id: `id-shop-pr-${branch}`, name: `shop-${branch}`, url: `http://shop-${branch}.localhost:8080/` },
    release: null,
    expiresAt: null,
    createdAt: new Date("2025-01-02T03:04:05Z"),
    ...extra,
  };
}

const NEXT: Record<Stage, Stage | null> = { development: "staging", staging: "production", production: null };

interface Platform {
  find: (idOrName: string) => StubApp;
  writable: () => void;
  runtime: StubRuntime;
  configKeys: (appId: string) => string[];
}

export function pipelinesRouters(proc: StubProcedure, state: StubPipelines, platform: Platform) {
  const { find, writable, runtime } = platform;
  const pipelineOf = (ref: string) => {
    const p = state.pipelines.find((x) => x.id === ref || x.name === ref);
    if (!p) throw new TRPCError({ code: "NOT_FOUND", message: `No pipeline named or with id "${ref}" is visible to you.` });
    return p;
  };
  const releaseView = (release: StubRelease | undefined): ReleaseView | null => {
    if (!release) return null;
    const from = runtime.releases.find((r) => r.id === release.promotedFromReleaseId);
    return {
      id: release.id,
      version: release.version,
      kind: release.kind,
      createdAt: release.createdAt,
      storePath: release.storePath,
      buildId: release.buildId,
      buildNumber: null,
      commit: state.commits[release.id] ?? null,
      promotedFrom: from ? { appName: find(from.appId).name, version: from.version } : null,
    };
  };
  const currentRelease = (app: StubApp) => runtime.releases.find((r) => r.id === app.currentReleaseId);
  const stageApp = (name: string) => {
    const app = find(name);
    return {
      id: app.id,
      name: app.name,
      status: app.status,
      url: `http://${app.name}.localhost:8080/`,
      release: releaseView(currentRelease(app)),
      configKeys: platform.configKeys(app.id),
    };
  };
  const stageOf = (p: StubPipeline, appName: string) =>
    (Object.keys(p.stages) as Stage[]).find((s) => p.stages[s].includes(appName)) ?? null;
  const view = (p: StubPipeline): View => ({
    id: p.id,
    name: p.name,
    teamId: p.teamId,
    stages: (["development", "staging", "production"] as const).map((stage) => ({ stage, apps: p.stages[stage].map(stageApp) })),
    reviewApps: p.reviewApps.filter((r) => r.status !== "destroyed"),
    review: p.review,
  });
  const preview = (p: StubPipeline, from: string) => {
    const source = find(from);
    const stage = stageOf(p, source.name);
    if (!stage) throw new TRPCError({ code: "BAD_REQUEST", message: `${source.name} is not in the pipeline ${p.name}.` });
    const nextStage = NEXT[stage];
    if (!nextStage) throw new TRPCError({ code: "BAD_REQUEST", message: `${source.name} is in production: there is no stage after it.` });
    const release = releaseView(currentRelease(source));
    if (!release)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${source.name} has no release to promote; deploy it first.` });
    const sourceKeys = platform.configKeys(source.id);
    const targets = p.stages[nextStage].map((name) => {
      const app = find(name);
      const keys = platform.configKeys(app.id);
      return {
        app: { id: app.id, name: app.name },
        release: releaseView(currentRelease(app)),
        strategy: "rolling",
        configKeys: {
          onlyInSource: sourceKeys.filter((k) => !keys.includes(k)),
          onlyInTarget: keys.filter((k) => !sourceKeys.includes(k)),
          inBoth: keys.filter((k) => sourceKeys.includes(k)),
        },
      };
    });
    return { source, from: { app: { id: source.id, name: source.name }, release }, nextStage, targets };
  };

  const pipelines = t.router({
    list: proc("pipelines.list").query(() =>
      state.pipelines.map((p) => ({
        id: p.id,
        name: p.name,
        teamId: p.teamId,
        appCount: Object.values(p.stages).flat().length,
        reviewAppCount: p.reviewApps.filter((r) => r.status !== "destroyed").length,
      })),
    ),
    get: proc("pipelines.get").query(({ input }) => view(pipelineOf(input.pipeline))),
    create: proc("pipelines.create").mutation(({ input }) => {
      writable();
      if (state.pipelines.some((p) => p.name === input.name))
        throw new TRPCError({ code: "CONFLICT", message: `The name "${input.name}" is already taken by another pipeline.` });
      const p = stubPipeline(input.name, { teamId: input.teamId ?? "team-1" });
      state.pipelines.push(p);
      return { id: p.id, name: p.name };
    }),
    delete: proc("pipelines.delete").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      if (input.confirm !== p.name)
        throw new TRPCError({ code: "BAD_REQUEST", message: `Type the pipeline's name, ${p.name}, to confirm.` });
      state.pipelines = state.pipelines.filter((x) => x !== p);
      return { id: p.id, name: p.name };
    }),
    addApp: proc("pipelines.addApp").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      const app = find(input.app);
      const other = state.pipelines.find((x) => x !== p && stageOf(x, app.name));
      if (other) throw new TRPCError({ code: "CONFLICT", message: `${app.name} is already in the pipeline ${other.name}.` });
      for (const s of Object.keys(p.stages) as Stage[]) p.stages[s] = p.stages[s].filter((n) => n !== app.name);
      p.stages[input.stage].push(app.name);
      return { appId: app.id, stage: input.stage };
    }),
    removeApp: proc("pipelines.removeApp").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      const app = find(input.app);
      for (const s of Object.keys(p.stages) as Stage[]) p.stages[s] = p.stages[s].filter((n) => n !== app.name);
      return { appId: app.id };
    }),
    promotionPreview: proc("pipelines.promotionPreview").query(({ input }) => {
      const { source: _, ...answer } = preview(pipelineOf(input.pipeline), input.from);
      return answer;
    }),
    promote: proc("pipelines.promote").mutation(({ input }) => {
      writable();
      const { source, targets } = preview(pipelineOf(input.pipeline), input.from);
      const chosen = input.to ? targets.filter((tg) => input.to?.includes(tg.app.name) || input.to?.includes(tg.app.id)) : targets;
      const built = currentRelease(source);
      if (built && state.blocked.includes(built.id) && !input.overrideReason) {
        const findings = [{ advisoryId: "GHSA-xxxx-yyyy-zzzz", package: "minimist", version: "0.0.8" }];
        const message = "The team's policy blocks deploying builds with critical findings: minimist 0.0.8. Give an override reason.";
        throw new TRPCError({ code: "PRECONDITION_FAILED", message, cause: new StubDetailedError(message, { findings }) });
      }
      const promotions = chosen.map((target) => {
        const version = Math.max(0, ...runtime.releases.filter((r) => r.appId === target.app.id).map((r) => r.version)) + 1;
        const release: StubRelease = {
          ...(built as StubRelease),
          id: `release-${target.app.name}-v${version}`,
          appId: target.app.id,
          version,
          kind: "promotion",
          description: `Promote ${source.name} v${built?.version}`,
          promotedFromReleaseId: built?.id ?? null,
          createdAt: new Date(),
        };
        runtime.releases.push(release);
        const deployment = stubDeployment(target.app.name, runtime.deployments.length + 1, {
          appId: target.app.id,
          releaseId: release.id,
          createdAt: new Date(),
        });
        runtime.deployments.push(deployment);
        return { app: target.app, releaseVersion: version, deploymentId: deployment.id };
      });
      return { promotions };
    }),
  });

  const reviewAppOf = (p: StubPipeline, ref: string) => {
    const r = p.reviewApps.find((x) => x.status !== "destroyed" && (x.id === ref || x.branch === ref));
    if (!r) throw new TRPCError({ code: "NOT_FOUND", message: `No review app "${ref}" in the pipeline ${p.name}.` });
    return r;
  };
  const reviewApps = t.router({
    list: proc("reviewApps.list").query(({ input }) => view(pipelineOf(input.pipeline)).reviewApps),
    create: proc("reviewApps.create").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      if (!p.review.enabled)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: `Review apps are off for the pipeline ${p.name}.` });
      const live = p.reviewApps.filter((r) => r.status !== "destroyed");
      if (live.length >= p.review.maxApps)
        throw new TRPCError({
          code: "CONFLICT",
          message: `The pipeline ${p.name} has ${live.length} review apps, its maximum: destroy one first.`,
        });
      const review = stubReviewApp(input.branch, { status: "creating", app: null, createdAt: new Date() });
      p.reviewApps.push(review);
      return review;
    }),
    destroy: proc("reviewApps.destroy").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      const review = reviewAppOf(p, input.reviewApp);
      const name = review.app?.name ?? review.branch;
      if (input.confirm !== name) throw new TRPCError({ code: "BAD_REQUEST", message: `Type the review app's name, ${name}, to confirm.` });
      review.status = "destroyed";
      return { id: review.id, app: review.app?.name ?? null };
    }),
    settings: proc("reviewApps.settings").query(({ input }) => pipelineOf(input.pipeline).review),
    updateSettings: proc("reviewApps.updateSettings").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      const { pipeline: _, parentApp, ...changes } = input;
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) Object.assign(p.review, { [key]: value });
      if (parentApp !== undefined) {
        const parent = parentApp === null ? null : find(parentApp);
        p.review.parentApp = parent && { id: parent.id, name: parent.name };
      }
      return p.review;
    }),
    rotateWebhookSecret: proc("reviewApps.rotateWebhookSecret").mutation(({ input }) => {
      writable();
      const p = pipelineOf(input.pipeline);
      p.review.webhook = true;
      return { secret: `whsec-${p.name}-0123456789`, url: `/api/pipelines/${p.id}/webhook` };
    }),
  });

  return { pipelines, reviewApps };
}
