// Autoscaling: policies per process type (one metric and target, bounds, a scale-down
// stabilization window, schedules), custom metric values pushed by the app's owners, the
// decisions the autoscaler recorded, and the autoscaler itself (loop.ts), which acts on them.
import type { AutoscaleMetric, ScalingSchedule } from "@skypanel/db";
import {
  deleteScalingPoliciesExcept,
  listAutoscaleEvents,
  listScalingPolicies,
  upsertScalingPolicy,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ValidationError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { type FormationService, MAX_QUANTITY } from "../formation/index.ts";
import { type AutoscaleBody, inputsFromBody } from "./contract.ts";
import { type AutoscalerOptions, createAutoscaler } from "./loop.ts";
import { type AutoscalePolicyInput, checkPolicy, STABILIZATION_SECONDS, TARGET_BOUNDS } from "./policy.ts";
import type { CustomValue } from "./signals.ts";

export type { AutoscaleBody, PolicyBody, ScheduleBody } from "./contract.ts";
export { AUTOSCALER_DEFAULTS, type AutoscalerOptions } from "./loop.ts";
export { type AutoscalePolicyInput, STABILIZATION_SECONDS, TARGET_BOUNDS } from "./policy.ts";
export { decide, TOLERANCE } from "./rule.ts";

export interface AutoscalePolicy {
  processType: string;
  enabled: boolean;
  minInstances: number;
  maxInstances: number;
  metric: AutoscaleMetric;
  target: number | null;
  stabilizationSeconds: number;
  schedules: ScalingSchedule[];
  /** False: nothing saved for this process type yet; the values are the defaults. */
  saved: boolean;
  updatedAt: Date | null;
}

const LIMITS = { maxInstances: MAX_QUANTITY, stabilizationSeconds: STABILIZATION_SECONDS, targets: TARGET_BOUNDS };

function defaults(processType: string): AutoscalePolicy {
  return {
    processType,
    enabled: false,
    minInstances: 1,
    maxInstances: 1,
    metric: processType === "web" ? "rps" : "cpu",
    target: null,
    stabilizationSeconds: STABILIZATION_SECONDS.default,
    schedules: [],
    saved: false,
    updatedAt: null,
  };
}

/** The API's view: two lists, each entry naming its process type. */
function asBody(policies: AutoscalePolicy[]) {
  return {
    policies: policies.map((p) => ({
      process: p.processType,
      enabled: p.enabled,
      min: p.minInstances,
      max: p.maxInstances,
      metric: p.metric,
      target: p.target,
      stabilizationSeconds: p.stabilizationSeconds,
      saved: p.saved,
      updatedAt: p.updatedAt,
    })),
    schedules: policies.flatMap((p) =>
      p.schedules.map((s) => ({
        process: p.processType,
        cron: s.cron,
        timeZone: s.timeZone,
        durationSeconds: s.durationSeconds,
        min: s.minInstances,
        max: s.maxInstances,
      })),
    ),
    limits: LIMITS,
  };
}

export function createAutoscale(deps: EngineDeps, apps: Apps, formation: FormationService, bus: EventBus, options: AutoscalerOptions = {}) {
  const { db } = deps;
  // Pushed custom values, the latest per process type; kept in memory, so a restart waits for the next push.
  const custom = new Map<string, CustomValue>();
  const autoscaler = createAutoscaler({
    db,
    bus,
    formation,
    now: deps.now,
    custom: (appId, processType) => custom.get(`${appId}:${processType}`),
    options,
    onError: (err) => console.error("[autoscale]", (err as Error).message),
  });

  /** One policy per process type of the formation (defaults where none is saved), plus any saved for a type since dropped. */
  async function policies(app: { id: string; currentReleaseId: string | null }): Promise<AutoscalePolicy[]> {
    const saved = new Map((await listScalingPolicies(db, app.id)).map((p) => [p.processType, p]));
    const types = new Set([...(await formation.current(app.id, app.currentReleaseId)).map((f) => f.processType), ...saved.keys()]);
    return [...types].sort().map((processType) => {
      const row = saved.get(processType);
      if (!row) return defaults(processType);
      const { id: _id, appId: _appId, createdAt: _createdAt, ...rest } = row;
      return { ...rest, saved: true };
    });
  }

  async function knownTypes(app: { id: string; name: string; currentReleaseId: string | null }, wanted: string[]) {
    const known = (await formation.current(app.id, app.currentReleaseId)).map((f) => f.processType);
    for (const processType of wanted) {
      if (!known.includes(processType)) {
        throw new ValidationError(
          `${app.name} has no process type "${processType}"${known.length ? `; it has ${known.join(", ")}` : "; deploy a release first"}.`,
        );
      }
    }
  }

  return {
    /** Each process type's policy, schedules nested (the export's shape). */
    async get(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing autoscaling");
      return { policies: await policies(app), maxInstances: MAX_QUANTITY, stabilizationSeconds: STABILIZATION_SECONDS };
    },

    /** The API's view of the same. */
    async settings(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing autoscaling");
      return asBody(await policies(app));
    },

    /** Saves one process type's policy (imports, and policies saved before 0018); checked whole before anything is written. */
    async set(actor: Actor, idOrName: string, processType: string, input: AutoscalePolicyInput) {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing autoscaling");
      await knownTypes(app, [processType]);
      const checked = checkPolicy(processType, input);
      await withActor(db, actor, (tx) => upsertScalingPolicy(tx, { appId: app.id, processType, ...checked }));
      autoscaler.forget(app.id);
      return { policies: await policies(app), maxInstances: MAX_QUANTITY, stabilizationSeconds: STABILIZATION_SECONDS };
    },

    /**
     * Replaces the app's autoscaling: the policies given are saved, every other one removed. All is
     * checked before anything is written; the autoscaler acts on the new word from its next pass.
     */
    async replace(actor: Actor, idOrName: string, body: AutoscaleBody) {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing autoscaling");
      const inputs = inputsFromBody(body);
      await knownTypes(app, [...inputs.keys()]);
      const checked = [...inputs].map(([processType, input]) => ({ processType, ...checkPolicy(processType, input) }));
      await withActor(db, actor, async (tx) => {
        await deleteScalingPoliciesExcept(tx, app.id, [...inputs.keys()]);
        for (const c of checked) await upsertScalingPolicy(tx, { appId: app.id, ...c });
      });
      autoscaler.forget(app.id);
      return asBody(await policies(app));
    },

    /** The autoscaler's decisions and notices, newest first. */
    async events(actor: Actor, idOrName: string, page: { limit?: number; before?: number; sinceSeconds?: number } = {}) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing autoscaling");
      const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 200);
      const since = page.sinceSeconds ? new Date(deps.now().getTime() - page.sinceSeconds * 1000) : undefined;
      return listAutoscaleEvents(db, app.id, { limit, before: page.before, since });
    },

    /** A value of a process type's custom metric (per instance, like the target); the latest fresh one is used. */
    async pushMetric(actor: Actor, idOrName: string, input: { process: string; value: number }) {
      const { app } = await apps.resolve(actor, idOrName, "write", "sending autoscaling metrics");
      if (typeof input.value !== "number" || !Number.isFinite(input.value) || input.value < 0 || input.value > 1e12) {
        throw new ValidationError("the value is a number from 0 to 1e12.");
      }
      await knownTypes(app, [input.process]);
      const at = deps.now();
      custom.set(`${app.id}:${input.process}`, { value: input.value, at: at.getTime() });
      return { process: input.process, value: input.value, at, freshForSeconds: autoscaler.settings.customFreshSeconds };
    },

    /** The loop that acts (started and stopped with the engine's background work). */
    autoscaler,
  };
}

export type Autoscale = ReturnType<typeof createAutoscale>;
