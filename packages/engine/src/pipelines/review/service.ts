// Review apps (engine.reviewApps): made for a branch through the API, the CLI, a push of a
// review/<name> branch or a pull request's webhook; each its own app at the pipeline's "review"
// stage, made by a durable job (run.ts); destroyed on close, on request or after its time to live.
import type { Job, Pipeline, ReviewApp } from "@skypanel/db";
import {
  addReviewAppToPipeline,
  appNameTaken,
  findAppById,
  findLiveReviewApp,
  findPipelineByIdOrName,
  findPipelineOfApp,
  findReviewApp,
  insertReviewApp,
  isUuid,
  listExpiredReviewApps,
  listLiveReviewApps,
  listTeamManagers,
  lockPipeline,
  updatePipelineReview,
  updateReviewApp,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../../actor.ts";
import type { EngineDeps } from "../../deps.ts";
import { EngineError, ValidationError } from "../../errors.ts";
import type { ImportParts } from "../../imports/setup.ts";
import { JobInterruptedError, type JobQueue } from "../../jobs/index.ts";
import { checkGitRef, checkGitSourceDestination, type RefUpdate } from "../../sources/index.ts";
import { resolvePipeline } from "../access.ts";
import { pipelineView } from "../view.ts";
import { branchCommit } from "./git-copy.ts";
import { CONTROL, checkBranch, reviewAppName } from "./names.ts";
import { makeReviewApp, type ReviewMade, redeployReviewApp } from "./run.ts";
import { newWebhookSecret, openWebhookSecret, sealWebhookSecret } from "./secret.ts";
import { settingsChange } from "./settings.ts";
import type { NewReviewApp, ReviewAppView, ReviewSettingsChange, ReviewSettingsView, WebhookDelivery, WebhookOutcome } from "./types.ts";
import { MAX_WEBHOOK_BYTES, parsePullRequestEvent, signatureMatches, WebhookSignatureError } from "./webhook.ts";

export interface ReviewAppParts extends ImportParts {
  /** Where an app answers (null: the platform routes nothing). */
  appUrl: (name: string) => string | null;
}

export class ReviewAppNotFoundError extends EngineError {
  constructor(what: string) {
    super("NOT_FOUND", `This pipeline has no live review app "${what.slice(0, 60)}".`);
  }
}

/** What asks for a review app, and from where it builds. */
interface Request {
  branch: string;
  origin: ReviewApp["origin"];
  prNumber?: number;
  sourceUrl: string | null;
  sha: string | null;
  made: ReviewMade;
  createdBy: string | null;
}

type JobPayload = { reviewAppId: string; action: "create" } | { reviewAppId: string; action: "update"; sha: string };

const HEADS = "refs/heads/";
const ZERO_SHA = /^0+$/;

export function createReviewApps(
  deps: EngineDeps,
  parts: ReviewAppParts,
  o: { queue: JobQueue; reposDir: string; allowLocalGit: boolean },
) {
  const { db } = deps;

  /** Who the platform acts as for a pipeline's review apps: its creator if they manage its team, else the team's first owner. */
  async function actingUser(pipeline: Pipeline): Promise<Actor> {
    const managers = await listTeamManagers(db, pipeline.teamId);
    const who = managers.find((m) => m.userId === pipeline.createdBy) ?? managers[0];
    if (!who) throw new EngineError("PRECONDITION_FAILED", `The team of pipeline ${pipeline.name} has no owner or admin to act as.`);
    return { userId: who.userId, isAdmin: false };
  }

  async function viewOf(pipeline: Pipeline, id: string): Promise<ReviewAppView> {
    const view = (await pipelineView(db, pipeline, parts.appUrl)).reviewApps.find((r) => r.id === id);
    if (view) return view;
    const row = await findReviewApp(db, id);
    if (!row) throw new ReviewAppNotFoundError(id);
    return {
      id: row.id,
      branch: row.branch,
      prNumber: row.prNumber,
      status: row.status,
      error: row.error,
      origin: row.origin,
      app: null,
      release: null,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
    };
  }

  /** A unique app name for the request (a number added while one is taken). */
  async function freeName(pipeline: Pipeline, r: { prNumber?: number | undefined; branch: string }) {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const name = reviewAppName(pipeline.name, r, attempt);
      if (!(await appNameTaken(db, name))) return name;
    }
    throw new EngineError("CONFLICT", "No free app name for this review app; destroy old ones or rename the pipeline's apps.");
  }

  /** Makes room under review_max_apps: refuses, or destroys the oldest live ones, as the pipeline says. */
  async function makeRoom(pipeline: Pipeline, actor: Actor) {
    const live = await listLiveReviewApps(db, pipeline.id);
    if (live.length < pipeline.reviewMaxApps) return;
    if (pipeline.reviewWhenFull === "refuse_newest") throw fullError(pipeline, live.length);
    for (const oldest of live.slice(0, live.length - pipeline.reviewMaxApps + 1)) await destroyRow(pipeline, actor, oldest, "made room");
  }

  /** Records the review app and its app, and queues its making. */
  async function begin(pipeline: Pipeline, r: Request): Promise<ReviewAppView> {
    if (!pipeline.reviewEnabled)
      throw new EngineError(
        "PRECONDITION_FAILED",
        `Review apps are off for pipeline ${pipeline.name}: turn them on with reviewapps:settings --enable.`,
      );
    const actor = await actingUser(pipeline);
    const existing = await findLiveReviewApp(db, pipeline.id, r.branch);
    if (existing)
      throw new EngineError(
        "CONFLICT",
        `Branch ${r.branch} already has a review app (${existing.status}); destroy it first, or push to it.`,
      );
    await makeRoom(pipeline, actor);
    const row = await withActor(db, actor, async (tx) => {
      await lockPipeline(tx, pipeline.id);
      const live = await listLiveReviewApps(tx, pipeline.id);
      if (live.length >= pipeline.reviewMaxApps) throw fullError(pipeline, live.length);
      if (live.some((a) => a.branch === r.branch)) throw new EngineError("CONFLICT", `Branch ${r.branch} already has a review app.`);
      return insertReviewApp(tx, {
        pipelineId: pipeline.id,
        branch: r.branch,
        origin: r.origin,
        prNumber: r.prNumber ?? null,
        sourceUrl: r.sourceUrl,
        headSha: r.sha,
        createdBy: r.createdBy,
        expiresAt: pipeline.reviewTtlSeconds ? new Date(deps.now().getTime() + pipeline.reviewTtlSeconds * 1000) : null,
      });
    });
    try {
      const name = await freeName(pipeline, r);
      const app = await parts.apps.create(actor, {
        name,
        teamId: pipeline.teamId,
        description: `Review app of ${pipeline.name} for ${r.branch}`.slice(0, 500),
      });
      await withActor(db, actor, async (tx) => {
        await addReviewAppToPipeline(tx, pipeline.id, app.id);
        await updateReviewApp(tx, row.id, { appId: app.id, made: { ...r.made, appId: app.id } as Record<string, unknown> });
        await o.queue.enqueue("review-app", { reviewAppId: row.id, action: "create" } satisfies JobPayload, { db: tx, maxAttempts: 3 });
      });
      o.queue.kick();
    } catch (err) {
      await updateReviewApp(db, row.id, { status: "failed", error: (err as Error).message.slice(0, 2000) });
      throw err;
    }
    return viewOf(pipeline, row.id);
  }

  /** A new commit for a live review app (or a new review app when its branch has none). */
  async function update(pipeline: Pipeline, row: ReviewApp, sha: string) {
    await withActor(db, await actingUser(pipeline), async (tx) => {
      // Deploying from now (not from when the job starts), so no one reads the old commit as the new one's outcome.
      await updateReviewApp(tx, row.id, { headSha: sha, error: null, status: row.status === "creating" ? "creating" : "deploying" });
      await o.queue.enqueue("review-app", { reviewAppId: row.id, action: "update", sha } satisfies JobPayload, { db: tx, maxAttempts: 3 });
    });
    o.queue.kick();
    return viewOf(pipeline, row.id);
  }

  /** Deletes the app (and so its add-ons); the row stays as destroyed history. */
  async function destroyRow(pipeline: Pipeline, actor: Actor, row: ReviewApp, why: string) {
    await updateReviewApp(db, row.id, { status: "destroying", error: null });
    const app = row.appId ? await findAppById(db, row.appId) : null;
    try {
      if (app) await parts.apps.delete(actor, app.id);
    } catch (err) {
      await updateReviewApp(db, row.id, {
        status: "failed",
        error: `destroying it (${why}) failed: ${(err as Error).message}`.slice(0, 2000),
      });
      throw err;
    }
    await updateReviewApp(db, row.id, { status: "destroyed", appId: null, expiresAt: null, destroyedAt: deps.now(), error: null });
    void pipeline;
    return { id: row.id, app: app?.name ?? null };
  }

  async function findLive(pipeline: Pipeline, what: string) {
    const live = await listLiveReviewApps(db, pipeline.id);
    const row = live.find((r) => r.id === what) ?? live.find((r) => r.branch === what);
    if (!row) throw new ReviewAppNotFoundError(what);
    return row;
  }

  /** Where a branch builds from when the request names no source: the pipeline's repository, else the parent app's. */
  async function defaultSource(pipeline: Pipeline, branch: string): Promise<Pick<Request, "sourceUrl" | "sha" | "made">> {
    if (pipeline.reviewRepository) return { sourceUrl: pipeline.reviewRepository, sha: null, made: { ref: branch } };
    const parent = pipeline.reviewParentAppId ? await findAppById(db, pipeline.reviewParentAppId) : null;
    const sha = parent ? await branchCommit(o.reposDir, parent.name, branch) : null;
    if (!parent || !sha)
      throw new ValidationError(
        `No source for ${branch}: name one (--source URL), set the pipeline's repository, or git push the branch to the parent app as review/<name>.`,
      );
    return { sourceUrl: null, sha, made: { fromApp: parent.name } };
  }

  async function webhookEvent(pipeline: Pipeline, event: string, body: Uint8Array): Promise<WebhookOutcome> {
    if (event === "ping") return { status: 200, message: "pong: the signature verified." };
    if (event !== "pull_request")
      return { status: 202, message: `Ignored: review apps act on pull_request events, not ${event.slice(0, 40)}.` };
    const pr = parsePullRequestEvent(body);
    if (!pipeline.reviewEnabled) return { status: 202, message: `Ignored: review apps are off for pipeline ${pipeline.name}.` };
    const live = await listLiveReviewApps(db, pipeline.id);
    const current = live.find((r) => r.prNumber === pr.number && r.origin === "webhook") ?? null;
    const said = (row: ReviewAppView | ReviewApp | null, message: string): WebhookOutcome => ({
      status: 200,
      message,
      ...(row
        ? { reviewApp: { id: row.id, branch: row.branch, app: "app" in row ? (row.app?.name ?? null) : null, status: row.status } }
        : {}),
    });
    if (pr.action === "closed") {
      if (!current) return { status: 202, message: `Pull request #${pr.number} has no review app; nothing to destroy.` };
      const gone = await destroyRow(pipeline, await actingUser(pipeline), current, `pull request #${pr.number} closed`);
      return { status: 200, message: `Destroyed ${gone.app ?? "the review app"} of pull request #${pr.number}.` };
    }
    if (pr.action !== "opened" && pr.action !== "reopened" && pr.action !== "synchronize")
      return { status: 202, message: `Ignored: pull_request action ${pr.action} does not change review apps.` };
    await checkGitSourceDestination(pr.cloneUrl, o.allowLocalGit, deps.outbound);
    if (current) {
      if (current.headSha === pr.sha && pr.action !== "synchronize") return said(current, "Already made for this commit.");
      return said(await update(pipeline, current, pr.sha), `Deploying ${pr.sha.slice(0, 7)} to the review app of #${pr.number}.`);
    }
    // Branch names of forks may clash, and anything may be in them: the row keeps a readable, unique one.
    const clean = pr.branch.replace(CONTROL, "?").slice(0, 200);
    const branch = live.some((r) => r.branch === clean) ? `${clean} (#${pr.number})` : clean;
    const view = await begin(pipeline, {
      branch,
      origin: "webhook",
      prNumber: pr.number,
      sourceUrl: pr.cloneUrl,
      sha: pr.sha,
      made: {},
      createdBy: null,
    });
    return said(view, `Making ${view.app?.name ?? "the review app"} for pull request #${pr.number}.`);
  }

  return {
    async list(actor: Actor, pipelineRef: string): Promise<ReviewAppView[]> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "read", "viewing review apps");
      return (await pipelineView(db, pipeline, parts.appUrl)).reviewApps;
    },

    async create(actor: Actor, pipelineRef: string, input: NewReviewApp): Promise<ReviewAppView> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "write", "creating review apps");
      const branch = checkBranch(input.branch);
      let source: Pick<Request, "sourceUrl" | "sha" | "made">;
      if (input.source) {
        const ref = input.source.ref ? checkGitRef(input.source.ref) : branch;
        await checkGitSourceDestination(input.source.url, o.allowLocalGit, deps.outbound);
        source = { sourceUrl: input.source.url, sha: null, made: { ref } };
      } else source = await defaultSource(pipeline, branch);
      return begin(pipeline, { branch, origin: input.origin ?? "api", ...source, createdBy: actor.userId });
    },

    async destroy(actor: Actor, pipelineRef: string, what: string, confirm: string): Promise<{ id: string; app: string | null }> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "write", "destroying review apps");
      const row = await findLive(pipeline, what);
      const app = row.appId ? await findAppById(db, row.appId) : null;
      if ((app?.name ?? row.branch) !== confirm)
        throw new ValidationError(`Confirm with the review app's app name (${app?.name ?? row.branch}) to destroy it.`);
      return destroyRow(pipeline, await actingUser(pipeline), row, "on request");
    },

    async settings(actor: Actor, pipelineRef: string): Promise<ReviewSettingsView> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "read", "viewing review app settings");
      return (await pipelineView(db, pipeline, parts.appUrl)).review;
    },

    async updateSettings(actor: Actor, pipelineRef: string, input: ReviewSettingsChange): Promise<ReviewSettingsView> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "manage", "changing review app settings");
      const values = await settingsChange(db, pipeline, input, async (url) => {
        await checkGitSourceDestination(url, o.allowLocalGit, deps.outbound);
      });
      const row = await withActor(db, actor, (tx) => updatePipelineReview(tx, pipeline.id, values));
      return (await pipelineView(db, row ?? pipeline, parts.appUrl)).review;
    },

    /** A new webhook secret (the old one stops verifying at once), shown this once. */
    async rotateWebhookSecret(actor: Actor, pipelineRef: string): Promise<{ secret: string; url: string }> {
      const { pipeline } = await resolvePipeline(db, actor, pipelineRef, "manage", "setting the review apps' webhook");
      const secret = newWebhookSecret();
      await withActor(db, actor, (tx) => updatePipelineReview(tx, pipeline.id, sealWebhookSecret(deps.keyring, pipeline.id, secret)));
      return { secret, url: `/api/pipelines/${pipeline.name}/webhooks/github` };
    },

    /** A GitHub-compatible delivery: verified against the pipeline's secret before anything in it is read. */
    async webhook(pipelineRef: string, delivery: WebhookDelivery): Promise<WebhookOutcome> {
      if (delivery.body.byteLength > MAX_WEBHOOK_BYTES)
        throw new EngineError("BAD_REQUEST", `A webhook delivery is at most ${MAX_WEBHOOK_BYTES} bytes.`);
      const pipeline = await findPipelineByIdOrName(db, pipelineRef, isUuid(pipelineRef));
      const secret = pipeline ? openWebhookSecret(deps.keyring, pipeline) : null;
      // An unknown pipeline answers as a wrong signature does, so names are not revealed.
      if (!pipeline || !secret || !signatureMatches(secret, delivery.body, delivery.signature)) throw new WebhookSignatureError();
      if (!delivery.event) throw new ValidationError("The X-GitHub-Event header is missing.");
      return webhookEvent(pipeline, delivery.event, delivery.body);
    },

    /**
     * A push to an app's repository: each review/<name> branch makes or updates that branch's
     * review app when the app is in a pipeline with review apps on; a deleted one destroys it.
     * Returns a line per such branch, for the pusher.
     */
    async pushed(actor: Actor, appName: string, updates: RefUpdate[]): Promise<string[]> {
      const reviews = updates.filter((u) => u.ref.startsWith(`${HEADS}review/`));
      if (reviews.length === 0) return [];
      const { app } = await parts.apps.resolve(actor, appName, "write", "pushing code");
      const found = await findPipelineOfApp(db, app.id);
      if (!found?.pipeline.reviewEnabled || found.stage === "review")
        return reviews.map((u) => `${u.ref.slice(HEADS.length)}: kept, not built (${app.name} is in no pipeline with review apps on).`);
      const pipeline = found.pipeline;
      const lines: string[] = [];
      for (const u of reviews) {
        const branch = u.ref.slice(HEADS.length);
        try {
          checkBranch(branch);
          const live = await findLiveReviewApp(db, pipeline.id, branch);
          if (ZERO_SHA.test(u.newSha)) {
            if (!live) lines.push(`${branch}: deleted; it had no review app.`);
            else
              lines.push(
                `${branch}: deleted; destroyed ${(await destroyRow(pipeline, await actingUser(pipeline), live, "branch deleted")).app}.`,
              );
          } else if (live) {
            await update(pipeline, live, u.newSha);
            lines.push(`${branch}: deploying ${u.newSha.slice(0, 7)} to its review app.`);
          } else {
            const view = await begin(pipeline, {
              branch,
              origin: "push",
              sourceUrl: null,
              sha: u.newSha,
              made: { fromApp: app.name },
              createdBy: actor.userId,
            });
            lines.push(`${branch}: making review app ${view.app?.name ?? ""} (${view.app?.url ?? "no router"}).`);
          }
        } catch (err) {
          lines.push(`${branch}: ${(err as Error).message}`);
        }
      }
      return lines;
    },

    /** Destroys review apps past their time to live (the leader runs this every minute). */
    async sweep(): Promise<number> {
      let destroyed = 0;
      for (const row of await listExpiredReviewApps(db, deps.now())) {
        const pipeline = await findPipelineByIdOrName(db, row.pipelineId, true);
        if (!pipeline) continue;
        try {
          await destroyRow(pipeline, await actingUser(pipeline), row, "its time to live ended");
          destroyed++;
        } catch (err) {
          console.error(`[review-apps] destroying expired ${row.id}:`, (err as Error).message);
        }
      }
      return destroyed;
    },

    /** The queue's handler: makes the review app, or deploys a new commit to it. */
    async run(job: Job, signal: AbortSignal): Promise<void> {
      const payload = job.payload as unknown as JobPayload;
      const row = await findReviewApp(db, payload.reviewAppId);
      if (!row || row.status === "destroyed" || row.status === "destroying" || !row.appId) return;
      const pipeline = await findPipelineByIdOrName(db, row.pipelineId, true);
      const app = await findAppById(db, row.appId);
      if (!pipeline || !app) return;
      const c = { parts, reposDir: o.reposDir, actor: await actingUser(pipeline), pipeline, row, appName: app.name, signal, now: deps.now };
      try {
        const made = row.made as ReviewMade;
        if (payload.action === "create") await makeReviewApp(c);
        // Still being made: its job builds the row's head, which the update already set.
        else if (row.status === "creating") return;
        // Its first build never got to a deploy: make it again, from the new commit.
        else if (!made.deploymentId) {
          const fresh = { ...made, buildId: undefined, configSet: undefined } as ReviewMade;
          await updateReviewApp(db, row.id, { made: fresh as Record<string, unknown> });
          await makeReviewApp({ ...c, row: { ...row, headSha: payload.sha, made: fresh as Record<string, unknown> } });
        } else await redeployReviewApp(c, payload.sha);
      } catch (err) {
        if (signal.reason instanceof JobInterruptedError) throw err;
        const latest = await findReviewApp(db, row.id);
        // Destroyed meanwhile (closed, expired): its making ends with it.
        if (!latest || latest.status === "destroyed" || latest.status === "destroying") return;
        await updateReviewApp(db, row.id, { status: "failed", error: (err as Error).message.slice(0, 2000) });
      }
    },

    async abandoned(job: Job, reason: string): Promise<void> {
      const row = await findReviewApp(db, (job.payload as { reviewAppId?: string }).reviewAppId ?? "");
      if (row && row.status !== "destroyed" && row.status !== "destroying")
        await updateReviewApp(db, row.id, { status: "failed", error: reason.slice(0, 2000) });
    },
  };
}

function fullError(pipeline: Pipeline, live: number) {
  return new EngineError(
    "CONFLICT",
    `Pipeline ${pipeline.name} already has ${live} review apps, its maximum (${pipeline.reviewMaxApps}): destroy one, raise the maximum, or set when-full to destroy_oldest.`,
    { maxApps: pipeline.reviewMaxApps },
  );
}

export type ReviewApps = ReturnType<typeof createReviewApps>;
