// Autoscale policies, one per process type. Stored and validated only: no autoscaler acts on
// them yet, so saving one changes no formation.
import type { ScalingPolicy } from "@skypanel/db";
import { listScalingPolicies, upsertScalingPolicy, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ValidationError } from "../errors.ts";
import { type FormationService, MAX_QUANTITY } from "../formation/index.ts";

export interface AutoscalePolicyInput {
  enabled: boolean;
  minInstances: number;
  maxInstances: number;
  targetCpuPercent?: number | null;
  targetMemoryPercent?: number | null;
  targetRequestsPerSecond?: number | null;
  cooldownSeconds?: number;
}

export type AutoscalePolicy = Omit<ScalingPolicy, "id" | "appId" | "createdAt" | "updatedAt"> & {
  /** False: nothing saved for this process type yet; the values are the defaults. */
  saved: boolean;
  updatedAt: Date | null;
};

export const COOLDOWN_SECONDS = { min: 30, max: 3600, default: 300 };
export const MAX_REQUESTS_PER_SECOND = 1_000_000;

function defaults(processType: string): AutoscalePolicy {
  return {
    processType,
    enabled: false,
    minInstances: 1,
    maxInstances: 1,
    targetCpuPercent: null,
    targetMemoryPercent: null,
    targetRequestsPerSecond: null,
    cooldownSeconds: COOLDOWN_SECONDS.default,
    saved: false,
    updatedAt: null,
  };
}

function checkPolicy(processType: string, p: AutoscalePolicyInput) {
  const fail = (message: string) => new ValidationError(`${processType}: ${message}`);
  const whole = (n: unknown) => typeof n === "number" && Number.isInteger(n);
  if (typeof p.enabled !== "boolean") throw fail("enabled is true or false.");
  if (!whole(p.minInstances) || p.minInstances < 0) throw fail("the minimum is a whole number of instances from 0.");
  if (!whole(p.maxInstances) || p.maxInstances < p.minInstances) throw fail("the maximum must be a whole number at least the minimum.");
  if (p.maxInstances > MAX_QUANTITY) throw fail(`the maximum is at most ${MAX_QUANTITY} instances, the most a formation runs.`);
  const percent = (value: number | null | undefined, what: string) => {
    if (value === null || value === undefined) return null;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 1 || value > 100) throw fail(`${what} is 1 to 100 %.`);
    return value;
  };
  const targetCpuPercent = percent(p.targetCpuPercent, "the CPU target");
  const targetMemoryPercent = percent(p.targetMemoryPercent, "the memory target");
  const rps = p.targetRequestsPerSecond ?? null;
  if (rps !== null && (typeof rps !== "number" || !Number.isFinite(rps) || rps <= 0 || rps > MAX_REQUESTS_PER_SECOND)) {
    throw fail(`the requests target is above 0 and at most ${MAX_REQUESTS_PER_SECOND} per second.`);
  }
  const cooldownSeconds = p.cooldownSeconds ?? COOLDOWN_SECONDS.default;
  if (!whole(cooldownSeconds) || cooldownSeconds < COOLDOWN_SECONDS.min || cooldownSeconds > COOLDOWN_SECONDS.max) {
    throw fail(`the cooldown is a whole number of seconds from ${COOLDOWN_SECONDS.min} to ${COOLDOWN_SECONDS.max}.`);
  }
  if (p.enabled && targetCpuPercent === null && targetMemoryPercent === null && rps === null) {
    throw fail("an enabled policy needs at least one target: CPU %, memory % or requests per second.");
  }
  return {
    enabled: p.enabled,
    minInstances: p.minInstances,
    maxInstances: p.maxInstances,
    targetCpuPercent,
    targetMemoryPercent,
    targetRequestsPerSecond: rps,
    cooldownSeconds,
  };
}

export function createAutoscale(deps: EngineDeps, apps: Apps, formation: FormationService) {
  const { db } = deps;

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

  return {
    async get(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing autoscaling");
      return { policies: await policies(app), maxInstances: MAX_QUANTITY, cooldownSeconds: COOLDOWN_SECONDS };
    },

    /** Saves the policy of one process type; checked whole before anything is written. */
    async set(actor: Actor, idOrName: string, processType: string, input: AutoscalePolicyInput) {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing autoscaling");
      const known = (await formation.current(app.id, app.currentReleaseId)).map((f) => f.processType);
      if (!known.includes(processType)) {
        throw new ValidationError(
          `${app.name} has no process type "${processType}"${known.length ? `; it has ${known.join(", ")}` : "; deploy a release first"}.`,
        );
      }
      const checked = checkPolicy(processType, input);
      await withActor(db, actor, (tx) => upsertScalingPolicy(tx, { appId: app.id, processType, ...checked }));
      return { policies: await policies(app), maxInstances: MAX_QUANTITY, cooldownSeconds: COOLDOWN_SECONDS };
    },
  };
}

export type Autoscale = ReturnType<typeof createAutoscale>;
