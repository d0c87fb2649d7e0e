import { mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Build, BuildPlan, BuildSource } from "@skypanel/db";
import { findBuild, findVisibleApp, insertBuild, isUuid, listBuilds, updateBuild, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { EventBus, PlatformEvent } from "../events/bus.ts";
import type { JobQueue } from "../jobs/index.ts";
import { checkGitRef, checkGitSourceDestination, sniffArchive } from "../sources/index.ts";
import { type LogLine, readLines } from "./log.ts";
import type { BuildJobPayload } from "./pipeline.ts";
import { vulnerabilityReport } from "./scan/index.ts";
import { initialStages } from "./stages.ts";

export type NewBuildSource =
  | { type: "git"; url: string; ref?: string | null }
  | { type: "archive"; uploadPath: string; filename: string; bytes: number }
  | { type: "push"; ref: string; sha: string };

export class BuildNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `No build with id "${id}" on this app.`);
  }
}

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

export function createBuilds(
  deps: EngineDeps,
  apps: Apps,
  runtime: { queue: JobQueue; bus: EventBus; home: string; allowLocalGit: boolean },
) {
  const { db } = deps;
  const logFile = (buildId: string) => join(runtime.home, "builds", buildId, "build.log");

  async function resolveBuild(actor: Actor, idOrName: string, buildId: string, permission: "read" | "write") {
    const { app } = await apps.resolve(actor, idOrName, permission, permission === "read" ? "viewing builds" : "changing builds");
    const build = isUuid(buildId) ? await findBuild(db, app.id, buildId) : null;
    if (!build) throw new BuildNotFoundError(buildId);
    return { app, build };
  }

  return {
    /** Refuses a git source now, with the reason, for work that builds it later (an import). */
    async checkGitSource(url: string, ref: string | null) {
      await checkGitSourceDestination(url, runtime.allowLocalGit, deps.outbound);
      if (ref) checkGitRef(ref);
    },

    /** Queues a build of the app from the given source; returns it at once (status queued). */
    async create(actor: Actor, idOrName: string, source: NewBuildSource): Promise<Build> {
      const { app } = await apps.resolve(actor, idOrName, "write", "starting builds");
      let recorded: BuildSource;
      let sourceRef: string | null;
      if (source.type === "git") {
        // Checked now for a clear 400 (the URL, and where it resolves to); fetchGit checks again before it runs git.
        await checkGitSourceDestination(source.url, runtime.allowLocalGit, deps.outbound);
        if (source.ref) checkGitRef(source.ref);
        recorded = { type: "git", url: source.url, ref: source.ref ?? null };
        sourceRef = source.ref ? `${source.url}#${source.ref}` : source.url;
      } else if (source.type === "archive") {
        // Only files the API itself received into the uploads folder; never an arbitrary path.
        const incoming = join(runtime.home, "uploads");
        if (dirname(source.uploadPath) !== incoming || !/^incoming-[0-9a-f-]{36}$/.test(basename(source.uploadPath))) {
          throw new ValidationError("Upload the archive through POST /api/apps/:app/builds.");
        }
        // Refuse what is not an archive now, with a 400, rather than in a failed build later.
        await sniffArchive(source.uploadPath).catch((err) => {
          rmSync(source.uploadPath, { force: true });
          throw err;
        });
        recorded = { type: "archive", filename: source.filename.slice(0, 255), bytes: source.bytes };
        sourceRef = recorded.filename;
      } else {
        recorded = { type: "push", ref: source.ref, sha: source.sha };
        sourceRef = source.ref;
      }
      const build = await withActor(db, actor, async (tx) => {
        const b = await insertBuild(tx, {
          appId: app.id,
          sourceType: source.type,
          source: recorded,
          sourceRef,
          createdBy: actor.userId,
          stages: initialStages(),
        });
        const payload: BuildJobPayload = { buildId: b.id, appName: app.name };
        if (source.type === "archive") {
          // The upload becomes the build's own file, so the API's temp file can go.
          const dir = join(runtime.home, "uploads");
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          payload.uploadPath = join(dir, `${b.id}.archive`);
          renameSync(source.uploadPath, payload.uploadPath);
        }
        const job = await runtime.queue.enqueue("build", { ...payload }, { db: tx });
        await updateBuild(tx, b.id, { jobId: job.id });
        return { ...b, jobId: job.id };
      });
      runtime.queue.kick();
      runtime.bus.publish({ type: "build.updated", appId: app.id, buildId: build.id, status: "queued", stage: null });
      return build;
    },

    /**
     * Records a build made elsewhere (an imported export's Nix closure, already in the store) as a
     * succeeded build of the app, so it deploys like any other.
     */
    async recordArtifact(
      actor: Actor,
      idOrName: string,
      artifact: { storePath: string; plan: BuildPlan; filename: string; bytes: number },
    ): Promise<Build> {
      const { app } = await apps.resolve(actor, idOrName, "write", "starting builds");
      const stages = initialStages().map((s) => ({ ...s, status: "skipped" as const }));
      const build = await withActor(db, actor, async (tx) => {
        const b = await insertBuild(tx, {
          appId: app.id,
          sourceType: "archive",
          source: { type: "archive", filename: artifact.filename.slice(0, 255), bytes: artifact.bytes },
          sourceRef: artifact.filename.slice(0, 255),
          createdBy: actor.userId,
          stages,
        });
        const ended = { status: "succeeded" as const, storePath: artifact.storePath, plan: artifact.plan, finishedAt: new Date() };
        await updateBuild(tx, b.id, ended);
        return { ...b, ...ended };
      });
      runtime.bus.publish({ type: "build.updated", appId: app.id, buildId: build.id, status: "succeeded", stage: null });
      return build;
    },

    /**
     * Records a pushed commit whose build could not start: a failed build with the reason, so the
     * build list says what became of the push. Null when the actor can no longer see the app.
     */
    async recordNotStarted(
      actor: Actor,
      idOrName: string,
      source: Extract<NewBuildSource, { type: "push" }>,
      reason: string,
    ): Promise<Build | null> {
      const app = await findVisibleApp(db, actor.userId, idOrName);
      if (!app) return null;
      const stages = initialStages().map((s) => ({ ...s, status: "skipped" as const }));
      const build = await withActor(db, actor, async (tx) => {
        const b = await insertBuild(tx, {
          appId: app.id,
          sourceType: "push",
          source: { type: "push", ref: source.ref, sha: source.sha },
          sourceRef: source.ref,
          createdBy: actor.userId,
          stages,
        });
        const ended = { status: "failed" as const, error: reason, commitSha: source.sha, finishedAt: new Date() };
        await updateBuild(tx, b.id, ended);
        return { ...b, ...ended };
      });
      runtime.bus.publish({ type: "build.updated", appId: app.id, buildId: build.id, status: "failed", stage: null });
      return build;
    },

    async list(actor: Actor, idOrName: string, opts: { limit?: number; beforeNumber?: number } = {}) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing builds");
      return listBuilds(db, app.id, { limit: Math.min(Math.max(opts.limit ?? 20, 1), 100), beforeNumber: opts.beforeNumber });
    },

    async get(actor: Actor, idOrName: string, buildId: string) {
      return (await resolveBuild(actor, idOrName, buildId, "read")).build;
    },

    /** What the build's dependency scan found, per ecosystem, and why an ecosystem was not checked. */
    async vulnerabilities(actor: Actor, idOrName: string, buildId: string) {
      return vulnerabilityReport(db, (await resolveBuild(actor, idOrName, buildId, "read")).build.id);
    },

    /** Cancels a queued or running build; a finished one is left as it is. */
    async cancel(actor: Actor, idOrName: string, buildId: string) {
      const { app, build } = await resolveBuild(actor, idOrName, buildId, "write");
      if (FINISHED.has(build.status))
        throw new EngineError("CONFLICT", `Build #${build.number} already ${build.status}; nothing to cancel.`);
      await updateBuild(db, build.id, { cancelRequestedAt: new Date() });
      const outcome = build.jobId ? await runtime.queue.cancel(build.jobId) : "not-running";
      if (outcome === "cancelled" || outcome === "not-running") {
        const stages = build.stages.map((s) =>
          s.status === "pending" || s.status === "running" ? { ...s, status: "skipped" as const } : s,
        );
        await updateBuild(db, build.id, { status: "cancelled", finishedAt: new Date(), error: "cancelled", stages });
        runtime.bus.publish({ type: "build.updated", appId: app.id, buildId: build.id, status: "cancelled", stage: null });
      }
      return { id: build.id, status: outcome === "aborting" ? "cancelling" : "cancelled" };
    },

    /** The log lines after line `after` (0: from the start). */
    async log(
      actor: Actor,
      idOrName: string,
      buildId: string,
      after = 0,
    ): Promise<{ lines: LogLine[]; finished: boolean; status: string }> {
      const { build } = await resolveBuild(actor, idOrName, buildId, "read");
      return { lines: readLines(logFile(build.id), after), finished: FINISHED.has(build.status), status: build.status };
    },

    /**
     * Follows a build's log live from line `after`: earlier lines first, then each new one,
     * ending when the build finishes. No line is repeated or skipped across a reconnect.
     */
    async *follow(
      actor: Actor,
      idOrName: string,
      buildId: string,
      after = 0,
      signal?: AbortSignal,
    ): AsyncGenerator<LogLine | { done: string }> {
      const { app, build } = await resolveBuild(actor, idOrName, buildId, "read");
      const pending: PlatformEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = runtime.bus.subscribe((e) => {
        if (!("buildId" in e) || e.buildId !== build.id) return;
        pending.push(e);
        wake?.();
      });
      const onAbort = () => wake?.();
      signal?.addEventListener("abort", onAbort);
      try {
        let last = after;
        for (const line of readLines(logFile(build.id), after)) {
          last = line.n;
          yield line;
        }
        let status: string = (await findBuild(db, app.id, build.id))?.status ?? build.status;
        while (!FINISHED.has(status) && !signal?.aborted) {
          if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          for (const e of pending.splice(0)) {
            if (e.type === "build.log" && e.line > last) {
              last = e.line;
              yield { n: e.line, text: e.text };
            } else if (e.type === "build.updated") status = e.status;
          }
        }
        // Lines written between the last event and the finish.
        for (const line of readLines(logFile(build.id), last)) yield line;
        if (!signal?.aborted) yield { done: status };
      } finally {
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}

export type Builds = ReturnType<typeof createBuilds>;
