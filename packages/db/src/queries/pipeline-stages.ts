// Pipelines' own reads and writes for engine/pipelines (H3): the list with counts, the stage
// apps, the releases the view shows, config keys and the strategy a promotion deploys with.
import { aliasedTable, and, asc, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import {
  applications,
  builds,
  deployments,
  envVars,
  memberships,
  type PipelineStage,
  pipelineApps,
  pipelines,
  releases,
} from "../schema/index.ts";

/** The pipelines of the user's teams, by name, with how many stage apps and live review apps each has. */
export async function listPipelinesOfUser(db: Database, userId: string) {
  // Spelled out: drizzle leaves a column in a select's sql unqualified, which the subquery's own table would capture.
  const appCount = sql<number>`(select count(*)::int from pipeline_apps pa where pa.pipeline_id = "pipelines"."id" and pa.stage <> 'review')`;
  const reviewAppCount = sql<number>`(select count(*)::int from review_apps ra where ra.pipeline_id = "pipelines"."id" and ra.status <> 'destroyed')`;
  return db
    .select({ id: pipelines.id, name: pipelines.name, teamId: pipelines.teamId, appCount, reviewAppCount })
    .from(pipelines)
    .where(inArray(pipelines.teamId, sql`(select ${memberships.teamId} from ${memberships} where ${memberships.userId} = ${userId})`))
    .orderBy(asc(pipelines.name));
}

export async function pipelineNameTaken(db: Database, name: string) {
  const [row] = await db.select({ n: count() }).from(pipelines).where(eq(pipelines.name, name));
  return (row?.n ?? 0) > 0;
}

export async function insertPipeline(db: Database, values: { teamId: string; name: string; createdBy: string }) {
  const [row] = await db.insert(pipelines).values(values).returning();
  if (!row) throw new Error("insert into pipelines returned nothing");
  return row;
}

export async function deletePipeline(db: Database, id: string) {
  await db.delete(pipelines).where(eq(pipelines.id, id));
}

/** Puts the app at a stage of the pipeline (moved, when it is there already). */
export async function upsertPipelineApp(db: Database, values: { appId: string; pipelineId: string; stage: PipelineStage }) {
  await db
    .insert(pipelineApps)
    .values(values)
    .onConflictDoUpdate({ target: pipelineApps.appId, set: { pipelineId: values.pipelineId, stage: values.stage } });
}

export async function deletePipelineApp(db: Database, appId: string) {
  await db.delete(pipelineApps).where(eq(pipelineApps.appId, appId));
}

/**
 * The apps at the pipeline's stages (review apps left out), oldest in the stage first. An app
 * transferred to another team since is left out too: the pipeline's team no longer sees it.
 */
export async function listStageApps(db: Database, pipelineId: string, stage?: PipelineStage) {
  return db
    .select({
      id: applications.id,
      name: applications.name,
      status: applications.status,
      currentReleaseId: applications.currentReleaseId,
      stage: pipelineApps.stage,
    })
    .from(pipelineApps)
    .innerJoin(pipelines, eq(pipelines.id, pipelineApps.pipelineId))
    .innerJoin(applications, and(eq(applications.id, pipelineApps.appId), eq(applications.teamId, pipelines.teamId)))
    .where(and(eq(pipelineApps.pipelineId, pipelineId), stage ? eq(pipelineApps.stage, stage) : ne(pipelineApps.stage, "review")))
    .orderBy(asc(pipelineApps.addedAt), asc(applications.name));
}

export interface ReleaseViewRow {
  id: string;
  appId: string;
  version: number;
  kind: "build" | "config" | "rollback" | "promotion";
  createdAt: Date;
  storePath: string | null;
  buildId: string | null;
  buildNumber: number | null;
  commit: string | null;
  promotedFromApp: string | null;
  promotedFromVersion: number | null;
}

/** Releases with what the pipeline view shows of them: their build's number and commit, where a promotion came from. */
export async function listReleaseViews(db: Database, ids: string[]): Promise<ReleaseViewRow[]> {
  if (ids.length === 0) return [];
  const source = aliasedTable(releases, "source_release");
  const sourceApp = aliasedTable(applications, "source_app");
  return db
    .select({
      id: releases.id,
      appId: releases.appId,
      version: releases.version,
      kind: releases.kind,
      createdAt: releases.createdAt,
      storePath: releases.storePath,
      buildId: releases.buildId,
      buildNumber: builds.number,
      commit: builds.commitSha,
      promotedFromApp: sourceApp.name,
      promotedFromVersion: source.version,
    })
    .from(releases)
    .leftJoin(builds, eq(builds.id, releases.buildId))
    .leftJoin(source, eq(source.id, releases.promotedFromReleaseId))
    .leftJoin(sourceApp, eq(sourceApp.id, source.appId))
    .where(inArray(releases.id, ids));
}

/** Each app's config keys (names only, never values), sorted. */
export async function listConfigKeys(db: Database, appIds: string[]) {
  const keys = new Map<string, string[]>(appIds.map((id) => [id, []]));
  if (appIds.length === 0) return keys;
  const rows = await db
    .select({ appId: envVars.appId, key: envVars.key })
    .from(envVars)
    .where(inArray(envVars.appId, appIds))
    .orderBy(asc(envVars.key));
  for (const r of rows) keys.get(r.appId)?.push(r.key);
  return keys;
}

/** The strategy of the app's last deployment; null before its first. */
export async function lastDeploymentStrategy(db: Database, appId: string) {
  const [row] = await db
    .select({ strategy: deployments.strategy })
    .from(deployments)
    .where(eq(deployments.appId, appId))
    .orderBy(desc(deployments.createdAt))
    .limit(1);
  return row?.strategy ?? null;
}
