// Pipelines, their apps by stage, and review apps (0031). The engine (engine/pipelines) holds
// the rules; these are the reads and writes everyone in that area shares.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { memberships, pipelineApps, pipelines, reviewApps } from "../schema/index.ts";
import { isUuid } from "./apps.ts";

/** A pipeline by id or name, when the user is in its team; null otherwise (its existence is not revealed). */
export async function findVisiblePipeline(db: Database, userId: string, idOrName: string) {
  const key = isUuid(idOrName) ? eq(pipelines.id, idOrName) : eq(pipelines.name, idOrName);
  const [row] = await db
    .select()
    .from(pipelines)
    .where(
      and(key, inArray(pipelines.teamId, sql`(select ${memberships.teamId} from ${memberships} where ${memberships.userId} = ${userId})`)),
    );
  return row ?? null;
}

/** The pipeline an app is in, and its stage; null when it is in none. */
export async function findPipelineOfApp(db: Database, appId: string) {
  const [row] = await db
    .select({ pipeline: pipelines, stage: pipelineApps.stage })
    .from(pipelineApps)
    .innerJoin(pipelines, eq(pipelines.id, pipelineApps.pipelineId))
    .where(eq(pipelineApps.appId, appId));
  return row ?? null;
}

/** A pipeline's review apps not yet destroyed, oldest first. */
export async function listLiveReviewApps(db: Database, pipelineId: string) {
  return db
    .select()
    .from(reviewApps)
    .where(and(eq(reviewApps.pipelineId, pipelineId), ne(reviewApps.status, "destroyed")))
    .orderBy(reviewApps.createdAt);
}
