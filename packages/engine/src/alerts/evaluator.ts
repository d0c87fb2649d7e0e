// The evaluation loop: every interval (and at once when the bus says a deploy ended, an instance
// changed or the autoscaler decided), each enabled rule's condition is read; a rule whose
// condition has held long enough fires, one that fired and no longer holds resolves. Only those
// two changes are written to the history and told to the rule's channels: a firing alert notifies
// once, then once more when it resolves. Evaluations of one app run one after another.
import type { AlertKind, Database } from "@skypanel/db";
import {
  type AlertRuleWithChannels,
  alertApp,
  insertAlertEvent,
  latestAlertEvents,
  listAlertChannelsById,
  listAlertRules,
  listEnabledAlertRules,
  setAlertDeliveries,
} from "@skypanel/db/queries";
import type { EventBus, PlatformEvent } from "../events/index.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { openConfig } from "./channels.ts";
import { type AutoscaleState, type Condition, evaluateCondition } from "./conditions.ts";
import { type DeliveryOptions, deliver } from "./deliver.ts";
import type { AlertNotice } from "./notice.ts";
import { ALERT_KIND_SPECS, describeRule } from "./rules.ts";

export interface EvaluatorOptions {
  db: Database;
  keyring: Keyring;
  now: () => Date;
  bus?: EventBus;
  /** How often every rule is evaluated (default 30 s). */
  intervalMs?: number;
  runtimeEnabled: boolean;
  delivery?: DeliveryOptions;
  onError?: (error: unknown) => void;
}

/** Bus events that change what event-driven rules see; the app is evaluated again soon after. */
const TRIGGERS: PlatformEvent["type"][] = ["deployment.updated", "instance.updated", "scheduled-run.updated"];
const TRIGGER_DELAY_MS = 250;

export function createEvaluator(o: EvaluatorOptions) {
  const onError = o.onError ?? ((err: unknown) => console.error("[alerts]", err));
  // When a condition the data cannot date (instances down, autoscaler at max) was first seen.
  const pendingSince = new Map<string, Date>();
  const autoscale = new Map<string, AutoscaleState>();
  const chains = new Map<string, Promise<void>>();
  const scheduled = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let sweeping = false;

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  /** Runs after the app's previous evaluation, never beside it, so no transition is written twice. */
  function evaluateApp(appId: string): Promise<void> {
    const next = (chains.get(appId) ?? Promise.resolve()).then(() => evaluateNow(appId)).catch(onError);
    chains.set(appId, next);
    void next.finally(() => {
      if (chains.get(appId) === next) chains.delete(appId);
    });
    return track(next);
  }

  async function evaluateNow(appId: string) {
    const rules = (await listAlertRules(o.db, appId)).filter((r) => r.enabled);
    if (rules.length === 0) return;
    const latest = await latestAlertEvents(
      o.db,
      rules.map((r) => r.id),
    );
    const now = o.now();
    for (const rule of rules) {
      let condition: Condition;
      try {
        condition = await evaluateCondition(rule, { db: o.db, now, runtimeEnabled: o.runtimeEnabled, autoscale: autoscale.get(appId) });
      } catch (err) {
        onError(err);
        continue;
      }
      const firing = latest.get(rule.id)?.state === "firing";
      if (!condition.breached) {
        pendingSince.delete(rule.id);
        if (firing) await transition(rule, "resolved", condition, now);
        continue;
      }
      if (firing) continue;
      if (ALERT_KIND_SPECS[rule.kind].duration === "for") {
        let since = condition.since;
        if (!since) {
          since = pendingSince.get(rule.id) ?? now;
          pendingSince.set(rule.id, since);
        }
        if (now.getTime() - since.getTime() < rule.durationSeconds * 1000) continue;
      }
      pendingSince.delete(rule.id);
      await transition(rule, "firing", condition, now);
    }
  }

  async function transition(rule: AlertRuleWithChannels, state: "firing" | "resolved", c: Condition, at: Date) {
    const event = await insertAlertEvent(o.db, {
      appId: rule.appId,
      ruleId: rule.id,
      kind: rule.kind,
      state,
      value: c.value,
      message: c.message,
      at,
    });
    const app = await alertApp(o.db, rule.appId);
    if (!app || rule.channelIds.length === 0) return;
    const notice: AlertNotice = {
      state,
      app: { id: app.id, name: app.name },
      rule: ruleFacts(rule),
      value: c.value,
      message: c.message,
      at,
      eventId: event.id,
    };
    // Told in the background: a slow or dead channel must not hold up the next rule or app.
    void track(
      (async () => {
        const channels = (await listAlertChannelsById(o.db, rule.channelIds)).filter((ch) => ch.teamId === app.teamId);
        const results = await Promise.all(
          channels.map(async (ch) => {
            let result: { ok: boolean; attempts: number; error?: string };
            try {
              result = await deliver(openConfig(o.keyring, ch), notice, o.delivery);
            } catch (err) {
              result = { ok: false, attempts: 0, error: `the channel's settings could not be opened: ${(err as Error).message}` };
            }
            return { channelId: ch.id, name: ch.name, type: ch.type, ...result, at: new Date().toISOString() };
          }),
        );
        await setAlertDeliveries(o.db, event.id, results);
      })().catch(onError),
    );
  }

  async function evaluateAll() {
    if (sweeping) return;
    sweeping = true;
    try {
      const appIds = new Set((await listEnabledAlertRules(o.db)).map((r) => r.appId));
      for (const appId of appIds) await evaluateApp(appId);
    } finally {
      sweeping = false;
    }
  }

  function soon(appId: string) {
    if (scheduled.has(appId) || !timer) return;
    const t = setTimeout(() => {
      scheduled.delete(appId);
      void evaluateApp(appId);
    }, TRIGGER_DELAY_MS);
    t.unref();
    scheduled.set(appId, t);
  }

  function onBusEvent(event: PlatformEvent) {
    if (event.type === "autoscale.decision") {
      const state = autoscale.get(event.appId) ?? new Map();
      state.set(event.processType, { atMax: event.atMax, quantity: event.quantity, maxInstances: event.maxInstances ?? null, at: o.now() });
      autoscale.set(event.appId, state);
      soon(event.appId);
    } else if (TRIGGERS.includes(event.type)) soon(event.appId);
  }

  return {
    evaluateApp,
    evaluateAll,
    /** For tests and the bus: what the autoscaler last said about each process type of an app. */
    autoscaleState: (appId: string) => autoscale.get(appId),
    onBusEvent,
    /** Evaluates the app shortly, if the loop runs (a rule changed). */
    soon,
    /** Deliveries and evaluations still running (tests wait for them). */
    settled: async () => {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    start() {
      if (timer) return;
      unsubscribe = o.bus?.subscribe(onBusEvent) ?? null;
      timer = setInterval(() => void evaluateAll().catch(onError), o.intervalMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      for (const t of scheduled.values()) clearTimeout(t);
      scheduled.clear();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}

export type AlertEvaluator = ReturnType<typeof createEvaluator>;

export function ruleFacts(rule: { id: string; kind: AlertKind; threshold: number | null; durationSeconds: number }) {
  return {
    id: rule.id,
    kind: rule.kind,
    threshold: rule.threshold,
    durationSeconds: rule.durationSeconds,
    description: describeRule(rule),
  };
}
