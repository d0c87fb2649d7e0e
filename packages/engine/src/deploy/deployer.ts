import { type Database, type Deployment, type DeployStrategy, isConnectionLost, type Release, retryWhileUnreachable } from "@skypanel/db";
import {
  findBuildById,
  findDeploymentById,
  findReleaseById,
  insertHistory,
  setCurrentRelease,
  updateDeployment,
  withActor,
} from "@skypanel/db/queries";
import type { EventBus } from "../events/bus.ts";
import type { FormationService } from "../formation/index.ts";
import type { LogStore } from "../logs/index.ts";
import type { Releases } from "../releases/index.ts";
import { drainInstance } from "../runtime/index.ts";
import type { Managed, Supervisor } from "../supervisor/supervisor.ts";
import type { Tracing } from "../tracing/index.ts";
import type { RuntimeManager } from "./manager.ts";
import { StepRecorder } from "./steps.ts";
import { CriticalFindingsError, guardBuildDeploy } from "./vulnerability-policy.ts";

// The list is declared once, beside the column (packages/db/src/schema/releases.ts); these names stay for the engine's callers.
export { DEPLOY_STRATEGIES as STRATEGIES } from "@skypanel/db/schema";
export type Strategy = DeployStrategy;

export interface DeployOptions {
  /** Seconds a new instance has to become healthy. */
  healthTimeoutMs?: number;
  /** Canary weight steps, percent of traffic to the new release. */
  canarySteps?: number[];
  /** How long each canary step is watched. */
  canaryObserveMs?: number;
  /** Time a retired instance keeps serving the requests it has. */
  drainMs?: number;
}

export interface DeployerDeps {
  db: Database;
  bus: EventBus;
  logStore: LogStore;
  releases: Releases;
  formation: FormationService;
  supervisor: Supervisor;
  manager: RuntimeManager;
  /** Records the release as a generation of the app's Nix profile (when Nix is there). */
  onReleased?: (appName: string, release: Release) => Promise<void>;
  /** Platform-wide defaults for every deployment's options. */
  defaults?: DeployOptions;
  /** Each deployment is a trace, each step a span, instance starts, health waits and drains below them. */
  tracing?: Tracing;
}

export class DeployFailedError extends Error {}
class RolledBackError extends Error {}

/** The innermost error code (ECONNRESET, CONNECTION_CLOSED, 57P01…), for a reason a person can read. */
function connectionErrorCode(err: unknown): string {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  let code = "connection lost";
  for (let i = 0; e && i < 5; i++, e = e.cause as typeof e) if (typeof e.code === "string") code = e.code;
  return code;
}

const DEFAULTS = { healthTimeoutMs: 60_000, canarySteps: [10, 50], canaryObserveMs: 5000, drainMs: 2000 };

/** Runs one deployment to its end: build (waited for), release, release command, rollout, switch. */
export async function runDeployment(d: DeployerDeps, deploymentId: string, signal: AbortSignal) {
  const dep = await findDeploymentById(d.db, deploymentId);
  if (!dep) throw new Error(`deployment ${deploymentId} no longer exists`);
  // One deployment per app at a time: the next waits (still queued) until the app is free, and
  // only then reads what is current.
  while (d.manager.deploying.has(dep.appId)) {
    if (signal.aborted) throw new DeployFailedError("cancelled while waiting for the app's previous deployment");
    await new Promise((r) => setTimeout(r, 200));
  }
  d.manager.deploying.add(dep.appId);
  const appRow = await d.db.query.applications.findFirst({ where: (a, { eq }) => eq(a.id, dep.appId) });
  if (!appRow) {
    d.manager.deploying.delete(dep.appId);
    throw new Error("the app no longer exists");
  }
  const app = { id: appRow.id, name: appRow.name };
  const options = { ...DEFAULTS, ...d.defaults, ...(dep.options as DeployOptions) };
  const started = performance.now();
  const trace = d.tracing?.subject("deployment", {
    "skypanel.app.id": app.id,
    "skypanel.app.name": app.name,
    "skypanel.deployment.id": dep.id,
    "skypanel.deployment.strategy": dep.strategy,
  });
  // Outside a trace (no tracing), the work just runs.
  const span = <T>(name: string, attributes: Record<string, string | number>, fn: () => Promise<T>) =>
    d.tracing ? d.tracing.inSpan(name, attributes, fn) : fn();
  // Its own row's writes set fixed values, safe to repeat: they wait out a database failover.
  const record = (fields: Parameters<typeof updateDeployment>[2]) => retryWhileUnreachable(() => updateDeployment(d.db, dep.id, fields));
  const steps = new StepRecorder(async (list) => {
    await record({ steps: list });
    d.bus.publish({ type: "deployment.updated", appId: app.id, deploymentId: dep.id, status: "running" });
  }, trace);
  const say = (line: string, level: "info" | "warn" | "error" = "info") =>
    d.logStore.append({ appId: app.id, source: "platform", stream: "system", level, line: `deploy: ${line}` });
  const previousReleaseId = appRow.currentReleaseId;
  const started_ = new Set<string>();
  // A restart replaces every running instance of the current release with a fresh one.
  const restart = Boolean((dep.options as { restart?: boolean } | null)?.restart);

  await record({ status: "running", startedAt: new Date(), previousReleaseId });
  try {
    const release = await resolveRelease(d, dep, steps, signal);
    await record({ releaseId: release.id });
    say(`v${release.version} (${release.description})`);
    await d
      .onReleased?.(app.name, release)
      .catch((err) => say(`could not record the release in the app's Nix profile: ${err.message}`, "warn"));

    const formation = await d.formation.current(app.id, release.id);
    const plans = await Promise.all(
      formation.filter((f) => release.processes[f.processType]).map(async (f) => ({ f, plan: await d.manager.planFor(app, release, f) })),
    );

    if (restart) await steps.skip("release command", "a restart runs the release as it is");
    else if (release.releaseCommand) {
      await steps.run("release command", async (note) => {
        const base = await d.manager.planFor(
          app,
          release,
          { processType: "release", memoryMb: 512, cpuQuota: 1, maxProcs: 256 },
          { healthCheck: false },
        );
        note(release.releaseCommand ?? "");
        const exit = await d.supervisor.runOnce(base, release.releaseCommand ?? "", 10 * 60_000);
        if (exit.code !== 0)
          throw new DeployFailedError(`The release command exited with ${exit.code ?? exit.reason}; see the logs. Nothing was changed.`);
      });
    } else await steps.skip("release command", "none in the Procfile");

    const old = (type: string) =>
      d.supervisor
        .forApp(app.id)
        .filter(
          (m) =>
            m.plan.processType === type &&
            (restart ? !started_.has(m.id) : m.plan.release.id !== release.id) &&
            !m.retiring &&
            m.state !== "failed",
        );
    const startNew = async (plan: (typeof plans)[number]["plan"], held = false) => {
      const m = await span("start instance", { "skypanel.process.type": plan.processType }, () => d.supervisor.start(plan, { held }));
      started_.add(m.id);
      return m;
    };
    const healthy = async (ms: Managed[]) => {
      await span("wait for health", { "skypanel.instances": ms.length }, () =>
        Promise.all(ms.map((m) => d.supervisor.waitHealthy(m.id, options.healthTimeoutMs))),
      );
    };
    const retire = async (ms: Managed[]) => {
      for (const m of ms)
        await span("drain instance", { "skypanel.drain_ms": options.drainMs }, () => d.supervisor.stop(m.id, { drainMs: options.drainMs }));
    };
    const strategy = dep.strategy;

    for (const { f, plan } of plans) {
      if (f.quantity === 0) {
        await retire(old(f.processType));
        continue;
      }
      const web = f.processType === "web";
      if (!web || strategy === "rolling") {
        await steps.run(`${f.processType}: roll out ${f.quantity} instance(s)`, async (note) => {
          const previous = old(f.processType);
          for (let i = 0; i < Math.max(f.quantity, previous.length); i++) {
            if (i < f.quantity) {
              const m = await startNew(plan);
              await healthy([m]);
              note(`${i + 1} of ${f.quantity} new instance(s) healthy`);
            }
            // One out for each one in (max surge 1, max unavailable 0); the extras after.
            if (previous[i]) await retire([previous[i] as Managed]);
          }
        });
      } else if (strategy === "blue_green") {
        await steps.run(`web: start ${f.quantity} new instance(s) beside the old`, async () => {
          const fresh = await Promise.all(Array.from({ length: f.quantity }, () => startNew(plan, true)));
          await healthy(fresh);
          const previous = old("web");
          // One route change: the whole new set in, the old set out.
          for (const m of previous) m.retiring = true;
          await d.supervisor.release(fresh.map((m) => m.id));
          // The old set is out of rotation now; what it still serves gets drainMs to finish, and
          // its idle kept-alive connections are closed meanwhile (so Caddy's next requests go to the new set).
          await Promise.all(previous.map((m) => drainInstance(m.handle, options.drainMs)));
          await retire(previous);
        });
      } else {
        await canary(d, steps, app.id, release, plan, f.quantity, options, startNew, healthy, retire, old);
      }
    }

    await steps.run("switch", async () => {
      await retryWhileUnreachable(() => setCurrentRelease(d.db, app.id, release.id, "running"));
      // Succeeded means served: Caddy has the new set before the deployment says so.
      await d.manager.syncRoutes();
    });
    const durationMs = Math.round(performance.now() - started);
    await record({ status: "succeeded", finishedAt: new Date(), durationMs });
    // The history line is an INSERT (not repeated: one cut in flight may have committed); the
    // deployment is live either way, so a failover here costs the line, not the outcome.
    await insertHistory(d.db, {
      appId: app.id,
      deploymentId: dep.id,
      releaseId: release.id,
      action: restart ? "restart" : dep.options && (dep.options as { rollback?: boolean }).rollback ? "rollback" : "deploy",
      outcome: "succeeded",
      actorId: dep.createdBy,
      durationMs,
      details: { strategy, version: release.version, steps: steps.steps.length },
    }).catch((err) => {
      if (!isConnectionLost(err)) throw err;
      say(`the history line was not recorded: the control database could not be reached (${connectionErrorCode(err)})`, "warn");
    });
    say(`v${release.version} is live (${(durationMs / 1000).toFixed(1)} s)`);
    trace?.root.setAttribute("skypanel.release.version", release.version);
    trace?.end("succeeded");
    d.bus.publish({ type: "deployment.updated", appId: app.id, deploymentId: dep.id, status: "succeeded" });
  } catch (err) {
    const rolledBack = err instanceof RolledBackError;
    const reason = signal.aborted
      ? "cancelled"
      : isConnectionLost(err)
        ? `the control database could not be reached (${connectionErrorCode(err)}); the deployment stopped at the step shown, deploy again`
        : (err as Error).message;
    // What this deployment started goes; the previous release was never taken out.
    for (const id of started_) await d.supervisor.stop(id, { drainMs: 0 }).catch(() => {});
    d.manager.weights.delete(app.id);
    const durationMs = Math.round(performance.now() - started);
    const status = rolledBack ? "rolled_back" : signal.aborted ? "cancelled" : "failed";
    await record({ status, finishedAt: new Date(), durationMs, error: reason });
    await insertHistory(d.db, {
      appId: app.id,
      deploymentId: dep.id,
      releaseId: dep.releaseId,
      action: restart ? "restart" : "deploy",
      outcome: status,
      actorId: dep.createdBy,
      durationMs,
      details: { reason },
    });
    say(`${status}: ${reason}${previousReleaseId ? " (the previous release keeps serving)" : ""}`, "error");
    trace?.end(status, reason);
    d.bus.publish({ type: "deployment.updated", appId: app.id, deploymentId: dep.id, status });
    if (!rolledBack) throw err;
  } finally {
    d.manager.deploying.delete(app.id);
    await d.manager.syncRoutes();
  }
}

async function resolveRelease(d: DeployerDeps, dep: Deployment, steps: StepRecorder, signal: AbortSignal): Promise<Release> {
  const opts = dep.options as { releaseId?: string; buildId?: string; overrideReason?: string };
  if (opts.releaseId) {
    const release = await findReleaseById(d.db, opts.releaseId);
    if (!release) throw new DeployFailedError("The release to deploy no longer exists.");
    await steps.skip("build", `release v${release.version} already exists`);
    return release;
  }
  const buildId = opts.buildId;
  if (!buildId) throw new DeployFailedError("This deployment names no build.");
  await steps.run("build", async (note) => {
    for (;;) {
      const build = await findBuildById(d.db, buildId);
      if (!build) throw new DeployFailedError("The build is gone.");
      if (build.status === "succeeded") return note(`build #${build.number} succeeded`);
      if (build.status === "failed" || build.status === "cancelled")
        throw new DeployFailedError(`Build #${build.number} ${build.status}: ${build.error ?? ""}`);
      note(`waiting for build #${build.number} (${build.status})`);
      if (signal.aborted) throw new DeployFailedError("cancelled");
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  // The build's scan is known only now (a source or a git push was built for this deployment).
  await guardBuildDeploy(d.db, { buildId, overrideReason: opts.overrideReason ?? null, actorId: dep.createdBy, record: true }).catch(
    (err) => {
      throw err instanceof CriticalFindingsError ? new DeployFailedError(err.message) : err;
    },
  );
  return steps.run("release", async (note) => {
    const actor = { userId: dep.createdBy ?? "00000000-0000-0000-0000-000000000000", isAdmin: false };
    const release = await withActor(d.db, actor, (tx) => d.releases.fromBuild(tx, actor, dep.appId, buildId));
    note(`v${release.version}`);
    return release;
  });
}

async function canary(
  d: DeployerDeps,
  steps: StepRecorder,
  appId: string,
  release: Release,
  plan: Parameters<Supervisor["start"]>[0],
  quantity: number,
  options: typeof DEFAULTS,
  startNew: (plan: Parameters<Supervisor["start"]>[0], held?: boolean) => Promise<Managed>,
  healthy: (ms: Managed[]) => Promise<void>,
  retire: (ms: Managed[]) => Promise<void>,
  old: (type: string) => Managed[],
) {
  const previous = old("web");
  const canaryInstance = await steps.run("web: start the canary", async () => {
    const m = await startNew(plan, true);
    await healthy([m]);
    return m;
  });
  const weights = new Map<string, number>();
  d.manager.weights.set(appId, weights);
  for (const percent of options.canarySteps) {
    await steps.run(`web: ${percent}% of traffic to v${release.version}`, async (note) => {
      // Weights per instance: the canary's share against the old instances' together.
      const oldCount = Math.max(previous.length, 1);
      weights.set(release.id, Math.max(1, Math.round((percent * oldCount) / (100 - percent))));
      for (const m of previous) weights.set(m.plan.release.id, 1);
      await d.supervisor.release([canaryInstance.id]);
      await d.manager.syncRoutes();
      const exitsBefore = canaryInstance.exits.length;
      const until = Date.now() + options.canaryObserveMs;
      while (Date.now() < until) {
        if (canaryInstance.exits.length > exitsBefore || canaryInstance.health === "unhealthy" || canaryInstance.state === "failed") {
          throw new RolledBackError(
            `The canary failed at ${percent}% (${canaryInstance.failure ?? canaryInstance.lastExit?.reason ?? canaryInstance.health}); traffic went back to the previous release.`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      note(`healthy for ${Math.round(options.canaryObserveMs / 1000)} s`);
    });
  }
  await steps.run(`web: roll out the remaining ${quantity - 1} instance(s)`, async () => {
    d.manager.weights.delete(appId);
    const rest = await Promise.all(Array.from({ length: quantity - 1 }, () => startNew(plan)));
    await healthy(rest);
    await retire(previous);
  });
}
