// What the dashboard shows of a pipeline: its stages side by side with each app's release and
// config keys, its live review apps, and its review-app settings.
import type { Database, Pipeline } from "@skypanel/db";
import {
  findAppById,
  listConfigKeys,
  listLiveReviewApps,
  listReleaseViews,
  listStageApps,
  type ReleaseViewRow,
} from "@skypanel/db/queries";
import { APP_STAGES, type PipelineView, type ReleaseView, type ReviewAppView, type StageApp } from "./types.ts";

export function toReleaseView(r: ReleaseViewRow): ReleaseView {
  return {
    id: r.id,
    version: r.version,
    kind: r.kind,
    createdAt: r.createdAt,
    storePath: r.storePath,
    buildId: r.buildId,
    buildNumber: r.buildNumber,
    commit: r.commit,
    promotedFrom:
      r.promotedFromApp && r.promotedFromVersion !== null ? { appName: r.promotedFromApp, version: r.promotedFromVersion } : null,
  };
}

/** Release views by id, for the ids given (null ids are skipped). */
export async function releaseViews(db: Database, ids: (string | null)[]) {
  const rows = await listReleaseViews(
    db,
    ids.filter((id): id is string => id !== null),
  );
  return new Map(rows.map((r) => [r.id, toReleaseView(r)]));
}

export async function pipelineView(db: Database, pipeline: Pipeline, appUrl: (name: string) => string | null): Promise<PipelineView> {
  const stageApps = await listStageApps(db, pipeline.id);
  const reviews = await listLiveReviewApps(db, pipeline.id);
  const reviewAppRows = await Promise.all(reviews.map((r) => (r.appId ? findAppById(db, r.appId) : null)));
  const releases = await releaseViews(db, [
    ...stageApps.map((a) => a.currentReleaseId),
    ...reviewAppRows.map((a) => a?.currentReleaseId ?? null),
  ]);
  const keys = await listConfigKeys(
    db,
    stageApps.map((a) => a.id),
  );
  const stageApp = (a: (typeof stageApps)[number]): StageApp => ({
    id: a.id,
    name: a.name,
    status: a.status,
    url: appUrl(a.name),
    release: a.currentReleaseId ? (releases.get(a.currentReleaseId) ?? null) : null,
    configKeys: keys.get(a.id) ?? [],
  });
  const reviewApps = reviews.map((r, i): ReviewAppView => {
    const app = reviewAppRows[i] ?? null;
    return {
      id: r.id,
      branch: r.branch,
      prNumber: r.prNumber,
      status: r.status,
      error: r.error,
      origin: r.origin,
      app: app ? { id: app.id, name: app.name, url: appUrl(app.name) } : null,
      release: app?.currentReleaseId ? (releases.get(app.currentReleaseId) ?? null) : null,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
    };
  });
  const parent = pipeline.reviewParentAppId ? await findAppById(db, pipeline.reviewParentAppId) : null;
  return {
    id: pipeline.id,
    name: pipeline.name,
    teamId: pipeline.teamId,
    stages: APP_STAGES.map((stage) => ({ stage, apps: stageApps.filter((a) => a.stage === stage).map(stageApp) })),
    reviewApps,
    review: {
      enabled: pipeline.reviewEnabled,
      parentApp: parent ? { id: parent.id, name: parent.name } : null,
      addons: pipeline.reviewAddons,
      maxApps: pipeline.reviewMaxApps,
      whenFull: pipeline.reviewWhenFull,
      ttlSeconds: pipeline.reviewTtlSeconds,
      repository: pipeline.reviewRepository,
      webhook: pipeline.webhookSecret !== null,
    },
  };
}
