// Each app's egress policy: stored, checked, and applied to its running instances at once.
import type { Database } from "@skypanel/db";
import { findAppEgress, upsertAppEgress, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import {
  applyInstanceEgress,
  checkEgressPolicy,
  DENY_ALL_EGRESS,
  type EgressMode,
  type EgressPolicy,
  type EgressRule,
  type Instance,
  parseEgressRule,
} from "../runtime/index.ts";

/** The running instances of an app, as far as this control plane runs any. */
export type AppInstances = (appId: string) => Instance[];

/** An app's stored policy; an app that never set one reaches nothing. */
export async function egressPolicyOf(db: Database, appId: string): Promise<EgressPolicy> {
  const row = await findAppEgress(db, appId);
  return row ? { mode: row.mode, rules: row.rules } : DENY_ALL_EGRESS;
}

export interface EgressView extends EgressPolicy {
  /** Running instances whose rules now follow the policy (set only); one-offs already running keep theirs. */
  appliedTo?: number;
}

export function createAppEgress(db: Database, apps: Apps, instancesOf: AppInstances) {
  return {
    async get(actor: Actor, idOrName: string): Promise<EgressView> {
      const { app } = await apps.resolve(actor, idOrName, "read", "reading the egress policy");
      return egressPolicyOf(db, app.id);
    },

    /**
     * Replaces the policy; the app's running instances get it now, no restart needed. A rule is
     * an object or the CLI's text form ("10.0.0.0/8:5432").
     */
    async set(actor: Actor, idOrName: string, policy: { mode: EgressMode; rules: (EgressRule | string)[] }): Promise<EgressView> {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing the egress policy");
      const rules = policy.rules.map((rule) => (typeof rule === "string" ? parseEgressRule(rule) : rule));
      const checked = checkEgressPolicy({ mode: policy.mode, rules });
      await withActor(db, actor, (tx) => upsertAppEgress(tx, { appId: app.id, ...checked }));
      let appliedTo = 0;
      for (const instance of instancesOf(app.id)) {
        if (await applyInstanceEgress(instance, checked)) appliedTo++;
      }
      return { ...checked, appliedTo };
    },
  };
}

export type AppEgress = ReturnType<typeof createAppEgress>;
