import type { Formation } from "@skypanel/db";
import { findReleaseById, listFormation, upsertFormation, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { ValidationError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { healthCheckFor } from "../health/defaults.ts";
import type { HealthCheckSettings } from "../health/settings.ts";
import type { InstanceLimits } from "../runtime/index.ts";

export interface ProcessFormation {
  processType: string;
  quantity: number;
  memoryMb: number;
  cpuQuota: number;
  maxProcs: number;
  /** The command from the current release; null when that release has no such process type. */
  command: string | null;
  /** The user's health check settings (app.json's `healthchecks`); null: the process type's default. */
  healthCheck: HealthCheckSettings | null;
}

export const MAX_QUANTITY = 100;
const DEFAULTS = { memoryMb: 512, cpuQuota: 1, maxProcs: 256 };

/** The runtime's limits for an instance of a process type, from its formation row. */
export function instanceLimits(f: Pick<ProcessFormation, "memoryMb" | "cpuQuota" | "maxProcs">): InstanceLimits {
  return { memoryBytes: f.memoryMb * 1024 * 1024, cpuQuota: f.cpuQuota, maxProcs: f.maxProcs, ioWeight: 100 };
}

/** Heroku's rule: `web` runs one instance by default, other process types none until scaled. */
export function defaultQuantity(processType: string) {
  return processType === "web" ? 1 : 0;
}

export type ScaleChange =
  | number
  | { quantity?: number; memoryMb?: number; cpuQuota?: number; maxProcs?: number; healthCheck?: HealthCheckSettings | null };

export function createFormation(deps: EngineDeps, apps: Apps, onChange: (appId: string) => void, bus: EventBus) {
  const { db } = deps;

  /** The formation of an app: every process type of its current release, plus any scaled before. */
  async function current(appId: string, currentReleaseId: string | null): Promise<ProcessFormation[]> {
    const release = currentReleaseId ? await findReleaseById(db, currentReleaseId) : null;
    const rows = new Map<string, Formation>((await listFormation(db, appId)).map((f) => [f.processType, f]));
    const types = new Set([...Object.keys(release?.processes ?? {}), ...rows.keys()]);
    return [...types].sort().map((processType) => {
      const row = rows.get(processType);
      return {
        processType,
        quantity: row?.quantity ?? defaultQuantity(processType),
        memoryMb: row?.memoryMb ?? DEFAULTS.memoryMb,
        cpuQuota: row?.cpuQuota ?? DEFAULTS.cpuQuota,
        maxProcs: row?.maxProcs ?? DEFAULTS.maxProcs,
        command: release?.processes[processType] ?? null,
        healthCheck: (row?.healthCheck as HealthCheckSettings | null | undefined) ?? null,
      };
    });
  }

  return {
    current,

    async get(actor: Actor, idOrName: string) {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing the formation");
      return current(app.id, app.currentReleaseId);
    },

    /**
     * Scales process types (`{ web: 3 }`) and/or sets their limits and health checks; all checked
     * before any change. `upcoming`: the processes of a build about to be deployed, which may be
     * set up before their first release (an app set up from app.json starts as it says).
     */
    async scale(actor: Actor, idOrName: string, changes: Record<string, ScaleChange>, upcoming: Record<string, string> = {}) {
      const { app } = await apps.resolve(actor, idOrName, "write", "scaling");
      const entries = Object.entries(changes);
      if (entries.length === 0) throw new ValidationError('Name at least one process type to scale, e.g. {"web": 2}.');
      const known = new Map((await current(app.id, app.currentReleaseId)).map((f) => [f.processType, f]));
      for (const [processType, command] of Object.entries(upcoming)) {
        if (!known.has(processType))
          known.set(processType, { ...DEFAULTS, processType, quantity: defaultQuantity(processType), command, healthCheck: null });
      }
      const checked = entries.map(([processType, change]) => {
        const c = typeof change === "number" ? { quantity: change } : change;
        if (!known.has(processType)) {
          const names = [...known.keys()];
          throw new ValidationError(
            `${app.name} has no process type "${processType}"${names.length ? `; it has ${names.join(", ")}` : "; deploy a release first"}.`,
          );
        }
        if (c.quantity !== undefined && (!Number.isInteger(c.quantity) || c.quantity < 0 || c.quantity > MAX_QUANTITY)) {
          throw new ValidationError(`${processType}: the number of instances is a whole number from 0 to ${MAX_QUANTITY}.`);
        }
        if (c.memoryMb !== undefined && (!Number.isInteger(c.memoryMb) || c.memoryMb < 16 || c.memoryMb > 65536)) {
          throw new ValidationError(`${processType}: memory is 16 to 65536 MB.`);
        }
        if (c.cpuQuota !== undefined && (!(c.cpuQuota > 0) || c.cpuQuota > 64))
          throw new ValidationError(`${processType}: CPU is above 0 and at most 64 cores.`);
        if (c.maxProcs !== undefined && (!Number.isInteger(c.maxProcs) || c.maxProcs < 8 || c.maxProcs > 65536)) {
          throw new ValidationError(`${processType}: the process limit is 8 to 65536.`);
        }
        // Checked as the instance's check would be made (http only for web, and so on).
        if (c.healthCheck)
          healthCheckFor({ processes: { [processType]: known.get(processType)?.command ?? "" } }, processType, c.healthCheck);
        // A first row for a type keeps its current quantity unless this change sets one.
        return { processType, ...c, quantity: c.quantity ?? known.get(processType)?.quantity };
      });
      await withActor(db, actor, async (tx) => {
        for (const c of checked) await upsertFormation(tx, { appId: app.id, ...c });
      });
      onChange(app.id);
      const formation = await current(app.id, app.currentReleaseId);
      const processes = formation.map((f) => ({ processType: f.processType, quantity: f.quantity }));
      bus.publish({ type: "formation.updated", appId: app.id, processes });
      return formation;
    },

    /**
     * The autoscaler's change of one process type's quantity: no user made it, so its audit row
     * has no actor (the autoscaler records its reason itself). Bounds were checked by its policy.
     */
    async scaleByPlatform(app: { id: string; currentReleaseId: string | null }, processType: string, quantity: number) {
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) throw new ValidationError(`bad quantity ${quantity}`);
      await upsertFormation(db, { appId: app.id, processType, quantity });
      onChange(app.id);
      const processes = (await current(app.id, app.currentReleaseId)).map((f) => ({ processType: f.processType, quantity: f.quantity }));
      bus.publish({ type: "formation.updated", appId: app.id, processes });
    },
  };
}

export type FormationService = ReturnType<typeof createFormation>;
