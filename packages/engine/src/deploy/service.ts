import type { Database, Deployment } from "@skypanel/db";
import {
  findDeployment,
  findDeploymentById,
  insertDeployment,
  isUuid,
  listAppInstances,
  listDeployments,
  listHistory,
  updateDeployment,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { Builds, NewBuildSource } from "../builds/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/index.ts";
import type { Releases } from "../releases/index.ts";
import { type DeployOptions, STRATEGIES, type Strategy } from "./deployer.ts";
import { checkOverrideReason, guardBuildDeploy } from "./vulnerability-policy.ts";

export class DeploymentNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `No deployment with id "${id}" on this app.`);
  }
}

export interface NewDeployment {
  buildId?: string;
  /** Build this source first, then deploy it. */
  source?: NewBuildSource;
  strategy?: string;
  options?: DeployOptions;
  /** Deploy even when the team blocks critical vulnerability findings: why (audited, 1–500 characters). */
  overrideReason?: string | null;
}

function checkStrategy(s: string | undefined): Strategy {
  if (s === undefined) return "rolling";
  if (!(STRATEGIES as readonly string[]).includes(s)) throw new ValidationError(`A strategy is one of ${STRATEGIES.join(", ")}.`);
  return s as Strategy;
}

export function createDeployments(
  deps: EngineDeps,
  apps: Apps,
  builds: Builds,
  releases: Releases,
  rt: { queue: JobQueue; bus: EventBus; runtimeEnabled: boolean },
) {
  const { db } = deps;
  const requireRuntime = () => {
    if (!rt.runtimeEnabled) throw new EngineError("PRECONDITION_FAILED", "This platform runs no apps: it was started without a runtime.");
  };

  async function insertQueued(tx: Database, actor: Actor, appId: string, strategy: Strategy, options: Record<string, unknown>) {
    const d = await insertDeployment(tx, { appId, releaseId: null, strategy, status: "queued", options, createdBy: actor.userId });
    await rt.queue.enqueue("deploy", { deploymentId: d.id }, { db: tx, maxAttempts: 1 });
    return d;
  }

  /** Wakes the queue and tells live dashboards, once the deployment's transaction has committed. */
  function announce(dep: Deployment) {
    rt.queue.kick();
    rt.bus.publish({ type: "deployment.updated", appId: dep.appId, deploymentId: dep.id, status: "queued" });
  }

  async function enqueue(actor: Actor, appId: string, strategy: Strategy, options: Record<string, unknown>): Promise<Deployment> {
    const dep = await withActor(db, actor, (tx) => insertQueued(tx, actor, appId, strategy, options));
    announce(dep);
    return dep;
  }

  return {
    /** Whether this platform runs apps; without a runtime nothing is deployed. */
    runtimeEnabled: rt.runtimeEnabled,

    /**
     * Queues a deployment of a release (rolling unless said) inside the caller's transaction (a
     * config change or a promotion and its rollout commit together); call `announce` after the commit.
     */
    queueRelease(
      tx: Database,
      actor: Actor,
      appId: string,
      releaseId: string,
      options: Record<string, unknown> = {},
      strategy: Strategy = "rolling",
    ) {
      return insertQueued(tx, actor, appId, strategy, { ...options, releaseId });
    },
    announce,

    /** Deploys a build (or builds a source and then deploys it); returns at once, queued. */
    async create(actor: Actor, idOrName: string, input: NewDeployment): Promise<Deployment> {
      requireRuntime();
      const strategy = checkStrategy(input.strategy);
      const { app } = await apps.resolve(actor, idOrName, "write", "deploying");
      if (Boolean(input.buildId) === Boolean(input.source))
        throw new ValidationError("Deploy either a buildId or a source, not both and not neither.");
      const overrideReason = checkOverrideReason(input.overrideReason);
      let buildId = input.buildId;
      if (input.source) buildId = (await builds.create(actor, app.id, input.source)).id;
      else if (!isUuid(buildId ?? "")) throw new ValidationError(`"${buildId}" is not a build id.`);
      else {
        await builds.get(actor, app.id, buildId ?? "");
        // Refused now with the findings named; the deployer checks again (and audits an override).
        await guardBuildDeploy(db, { buildId: buildId ?? "", overrideReason, actorId: actor.userId, record: false });
      }
      return enqueue(actor, app.id, strategy, { ...input.options, buildId, ...(overrideReason ? { overrideReason } : {}) });
    },

    /** Deploys an earlier release again (by version; default: the one before the current). */
    async rollback(actor: Actor, idOrName: string, input: { release?: string | number; strategy?: string } = {}) {
      requireRuntime();
      const { app } = await apps.resolve(actor, idOrName, "write", "rolling back");
      const history = await releases.list(actor, app.id);
      const target =
        input.release !== undefined
          ? await releases.get(actor, app.id, input.release)
          : history.find(
              (r) => r.id !== app.currentReleaseId && (history.find((c) => c.id === app.currentReleaseId)?.version ?? Infinity) > r.version,
            );
      if (!target) throw new EngineError("PRECONDITION_FAILED", "There is no earlier release to roll back to.");
      if (!target.storePath) throw new EngineError("PRECONDITION_FAILED", `Release v${target.version} has no build to run.`);
      const release = await withActor(db, actor, (tx) => releases.rollbackTo(tx, actor, target));
      return enqueue(actor, app.id, checkStrategy(input.strategy), { releaseId: release.id, rollback: true });
    },

    /** Replaces every instance of the current release with a fresh one, one at a time by default (no new release). */
    async restart(actor: Actor, idOrName: string, input: { strategy?: string } = {}) {
      requireRuntime();
      const { app } = await apps.resolve(actor, idOrName, "write", "restarting");
      if (!app.currentReleaseId) throw new EngineError("PRECONDITION_FAILED", `${app.name} has no release to restart; deploy it first.`);
      return enqueue(actor, app.id, checkStrategy(input.strategy), { releaseId: app.currentReleaseId, restart: true });
    },

    async list(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing deployments");
      return listDeployments(db, app.id);
    },

    async get(actor: Actor, idOrName: string, id: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing deployments");
      const dep = isUuid(id) ? await findDeployment(db, app.id, id) : null;
      if (!dep) throw new DeploymentNotFoundError(id);
      return dep;
    },

    async history(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing deployments");
      return listHistory(db, app.id);
    },

    async instances(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing instances");
      return listAppInstances(db, app.id);
    },

    /** A deployment whose job was abandoned (its server died): failed, and said so to live dashboards. */
    async markFailed(id: string, error: string) {
      await updateDeployment(db, id, { status: "failed", error, finishedAt: new Date() });
      const dep = await findDeploymentById(db, id);
      if (dep) rt.bus.publish({ type: "deployment.updated", appId: dep.appId, deploymentId: id, status: "failed" });
    },
  };
}

export type Deployments = ReturnType<typeof createDeployments>;
