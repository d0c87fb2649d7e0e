// Review apps' own reads and writes (engine/pipelines/review): their rows, the pipeline's review
// settings and webhook secret, and the expiry sweep.
import { and, asc, eq, isNotNull, lte, notInArray, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { memberships, type Pipeline, pipelineApps, pipelines, type ReviewApp, reviewApps } from "../schema/index.ts";

type ReviewAppValues = Partial<Omit<ReviewApp, "id" | "pipelineId" | "createdAt">>;

export async function insertReviewApp(
  db: Database,
  values: Pick<ReviewApp, "pipelineId" | "branch" | "origin"> &
    Partial<Pick<ReviewApp, "prNumber" | "sourceUrl" | "headSha" | "createdBy" | "expiresAt">>,
) {
  const [row] = await db.insert(reviewApps).values(values).returning();
  return row as ReviewApp;
}

export async function updateReviewApp(db: Database, id: string, values: ReviewAppValues) {
  const [row] = await db
    .update(reviewApps)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(reviewApps.id, id))
    .returning();
  return row ?? null;
}

export async function findReviewApp(db: Database, id: string) {
  const [row] = await db.select().from(reviewApps).where(eq(reviewApps.id, id));
  return row ?? null;
}

/** The live (not destroyed) review app of a pipeline's branch. */
export async function findLiveReviewApp(db: Database, pipelineId: string, branch: string) {
  const [row] = await db
    .select()
    .from(reviewApps)
    .where(and(eq(reviewApps.pipelineId, pipelineId), eq(reviewApps.branch, branch), sql`${reviewApps.status} <> 'destroyed'`));
  return row ?? null;
}

/** Review apps past their time to live, not yet destroyed (or being destroyed). */
export async function listExpiredReviewApps(db: Database, now: Date) {
  return db
    .select()
    .from(reviewApps)
    .where(and(isNotNull(reviewApps.expiresAt), lte(reviewApps.expiresAt, now), notInArray(reviewApps.status, ["destroyed", "destroying"])))
    .orderBy(asc(reviewApps.expiresAt));
}

/** Holds the pipeline's row until the transaction ends, so two review apps made at once count each other. */
export async function lockPipeline(db: Database, id: string) {
  await db.execute(sql`select 1 from ${pipelines} where ${pipelines.id} = ${id} for update`);
}

export async function updatePipelineReview(
  db: Database,
  id: string,
  values: Partial<
    Pick<
      Pipeline,
      | "reviewEnabled"
      | "reviewParentAppId"
      | "reviewAddons"
      | "reviewMaxApps"
      | "reviewWhenFull"
      | "reviewTtlSeconds"
      | "reviewRepository"
      | "webhookSecret"
      | "webhookNonce"
      | "webhookKeyId"
    >
  >,
) {
  const [row] = await db
    .update(pipelines)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(pipelines.id, id))
    .returning();
  return row ?? null;
}

/** A pipeline by id or name, whoever asks (the webhook has no user: its signature is its proof). */
export async function findPipelineByIdOrName(db: Database, idOrName: string, byId: boolean) {
  const [row] = await db
    .select()
    .from(pipelines)
    .where(byId ? eq(pipelines.id, idOrName) : eq(pipelines.name, idOrName));
  return row ?? null;
}

export async function addReviewAppToPipeline(db: Database, pipelineId: string, appId: string) {
  await db.insert(pipelineApps).values({ appId, pipelineId, stage: "review" });
}

/** The team's owners and admins, owners first (who review apps made without a user act as). */
export async function listTeamManagers(db: Database, teamId: string) {
  return db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.teamId, teamId), sql`${memberships.role} in ('owner', 'admin')`))
    .orderBy(sql`${memberships.role} = 'owner' desc`, asc(memberships.createdAt));
}

/** Pipelines with a webhook secret, for the master key rotation. */
export async function listPipelineWebhookSecrets(db: Database) {
  return db
    .select({ id: pipelines.id, secret: pipelines.webhookSecret, nonce: pipelines.webhookNonce, keyId: pipelines.webhookKeyId })
    .from(pipelines)
    .where(isNotNull(pipelines.webhookSecret));
}
