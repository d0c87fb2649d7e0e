// Alerts: rules on an app (its response time, 5xx rate, memory, crash loops, instances down, failed
// deploys, certificates, the autoscaler at its maximum), its team's notification channels
// (signed webhooks, email over SMTP, Slack-compatible webhooks), and the history of each rule's
// firing and resolving. Rules are app data (read: viewer, change: member); channels are team
// data (read: viewer, change: admin), since every app of the team may use them.
import { randomBytes, randomUUID } from "node:crypto";
import type { AlertChannelType, AlertEvent } from "@skypanel/db";
import {
  type AlertRuleWithChannels,
  deleteAlertChannel,
  deleteAlertRule,
  findAlertChannel,
  findAlertRule,
  insertAlertChannel,
  insertAlertEvent,
  insertAlertRule,
  isUuid,
  latestAlertEvents,
  listAlertChannels,
  listAlertChannelsById,
  listAlertEvents,
  listAlertRules,
  updateAlertChannel,
  updateAlertRule,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { EventBus } from "../events/index.ts";
import { requireTeamRole } from "../teams/index.ts";
import {
  type AlertChannel,
  type AlertChannelInput,
  checkChannelName,
  configFromInput,
  mergeConfig,
  openConfig,
  publicChannel,
  sealConfig,
  summarize,
} from "./channels.ts";
import { type DeliveryOptions, type DeliveryResult, deliver, type SmtpSettings } from "./deliver.ts";
import { checkChannelDestination } from "./destination.ts";
import { createEvaluator } from "./evaluator.ts";
import { type AlertRuleInput, checkRule, describeRule, MAX_CHANNELS_PER_RULE, MAX_RULES_PER_APP } from "./rules.ts";

export type { AlertChannel, AlertChannelInput, ChannelConfig } from "./channels.ts";
export { CHANNEL_NAME_RULE, MAX_RECIPIENTS } from "./channels.ts";
export type { DeliveryOptions, DeliveryResult, SmtpSettings } from "./deliver.ts";
export type { AlertNotice } from "./notice.ts";
export { ALERT_KIND_SPECS, type AlertRuleInput, describeRule, MAX_DURATION_SECONDS } from "./rules.ts";
export { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, signBody, TIMESTAMP_HEADER, verifySignature } from "./signature.ts";

export interface AlertOptions {
  bus?: EventBus;
  /** How often every rule is evaluated (default 30 s). */
  intervalMs?: number;
  /** The platform's SMTP server for email channels without their own; null: such channels fail and say why. */
  smtp?: SmtpSettings | null;
  /** Per-delivery deadline and retries (defaults: 10 s, 3 attempts, 1 s then 2 s apart). */
  delivery?: Omit<DeliveryOptions, "smtp" | "outbound">;
  runtimeEnabled: boolean;
}

/** A rule as the API shows it: its settings, its words, and its state now. */
export interface AlertRule extends AlertRuleWithChannels {
  description: string;
  /** "ok": never fired, or resolved since. */
  state: "firing" | "ok";
  /** When the state last changed (null: never fired). */
  stateSince: Date | null;
}

export class AlertRuleNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `This app has no alert rule "${id}".`);
  }
}

export class AlertChannelNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `This team has no notification channel "${id}".`);
  }
}

export const MAX_HISTORY_PAGE = 200;
const TESTS_PER_MINUTE = 10;

export function createAlerts(deps: EngineDeps, apps: Apps, options: AlertOptions) {
  const { db, keyring } = deps;
  const delivery: DeliveryOptions = { ...options.delivery, smtp: options.smtp ?? null, outbound: deps.outbound };
  const evaluator = createEvaluator({
    db,
    keyring,
    now: deps.now,
    bus: options.bus,
    intervalMs: options.intervalMs,
    runtimeEnabled: options.runtimeEnabled,
    delivery,
  });

  async function withState(rules: AlertRuleWithChannels[]): Promise<AlertRule[]> {
    const latest = await latestAlertEvents(
      db,
      rules.map((r) => r.id),
    );
    return rules.map((r) => {
      const event = latest.get(r.id);
      return { ...r, description: describeRule(r), state: event?.state === "firing" ? "firing" : "ok", stateSince: event?.at ?? null };
    });
  }

  /** Channel ids a rule of this app may use: distinct, of the app's team, at most MAX_CHANNELS_PER_RULE. */
  async function checkChannels(teamId: string, ids: unknown): Promise<string[]> {
    if (!Array.isArray(ids)) throw new ValidationError("channelIds is a list of channel ids.");
    const unique = [...new Set(ids)];
    if (unique.length > MAX_CHANNELS_PER_RULE) throw new ValidationError(`A rule tells at most ${MAX_CHANNELS_PER_RULE} channels.`);
    const bad = unique.find((id) => typeof id !== "string" || !isUuid(id));
    if (bad !== undefined) throw new ValidationError(`"${String(bad).slice(0, 64)}" is not a channel id.`);
    const found = new Set((await listAlertChannelsById(db, unique as string[])).filter((c) => c.teamId === teamId).map((c) => c.id));
    const missing = unique.find((id) => !found.has(id as string));
    if (missing) throw new ValidationError(`The app's team has no notification channel "${missing}".`);
    return unique as string[];
  }

  async function channelOf(actor: Actor, teamId: string, id: string, permission: "read" | "manage", what: string) {
    if (!isUuid(teamId)) throw new ValidationError(`"${teamId.slice(0, 64)}" is not a team id.`);
    await requireTeamRole(db, actor, teamId, permission, what);
    const row = isUuid(id) ? await findAlertChannel(db, teamId, id) : null;
    if (!row) throw new AlertChannelNotFoundError(id.slice(0, 64));
    return row;
  }

  return {
    async listRules(actor: Actor, idOrName: string): Promise<AlertRule[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing alerts");
      return withState(await listAlertRules(db, app.id));
    },

    async createRule(actor: Actor, idOrName: string, input: AlertRuleInput): Promise<AlertRule> {
      const { app } = await apps.resolve(actor, idOrName, "write", "adding alert rules");
      const rule = checkRule(input);
      const channelIds = await checkChannels(app.teamId, input.channelIds ?? []);
      const created = await withActor(db, actor, async (tx) => {
        if ((await listAlertRules(tx, app.id)).length >= MAX_RULES_PER_APP) {
          throw new ValidationError(`An app has at most ${MAX_RULES_PER_APP} alert rules.`);
        }
        return insertAlertRule(tx, { appId: app.id, ...rule, createdBy: actor.userId }, channelIds);
      });
      evaluator.soon(app.id);
      return (await withState([created]))[0] as AlertRule;
    },

    /** Changes what is given; the kind stays (make another rule for another kind). */
    async updateRule(actor: Actor, idOrName: string, id: string, input: Omit<AlertRuleInput, "kind">): Promise<AlertRule> {
      const { app } = await apps.resolve(actor, idOrName, "write", "changing alert rules");
      const current = isUuid(id) ? await findAlertRule(db, app.id, id) : null;
      if (!current) throw new AlertRuleNotFoundError(id.slice(0, 64));
      const rule = checkRule({
        kind: current.kind,
        threshold: input.threshold === undefined ? current.threshold : input.threshold,
        durationSeconds: input.durationSeconds ?? current.durationSeconds,
        enabled: input.enabled ?? current.enabled,
      });
      const channelIds = input.channelIds === undefined ? undefined : await checkChannels(app.teamId, input.channelIds);
      const firing = (await latestAlertEvents(db, [id])).get(id)?.state === "firing";
      await withActor(db, actor, async (tx) => {
        await updateAlertRule(
          tx,
          id,
          { threshold: rule.threshold, durationSeconds: rule.durationSeconds, enabled: rule.enabled },
          channelIds,
        );
        // A rule turned off stops watching; its open alert closes in the history (without a notice).
        if (firing && !rule.enabled) {
          await insertAlertEvent(tx, {
            appId: app.id,
            ruleId: id,
            kind: current.kind,
            state: "resolved",
            value: null,
            message: "The rule was turned off.",
            at: deps.now(),
          });
        }
      });
      evaluator.soon(app.id);
      const updated = await findAlertRule(db, app.id, id);
      return (await withState([updated as AlertRuleWithChannels]))[0] as AlertRule;
    },

    async removeRule(actor: Actor, idOrName: string, id: string): Promise<{ id: string }> {
      const { app } = await apps.resolve(actor, idOrName, "write", "removing alert rules");
      const removed = isUuid(id) ? await withActor(db, actor, (tx) => deleteAlertRule(tx, app.id, id)) : null;
      if (!removed) throw new AlertRuleNotFoundError(id.slice(0, 64));
      return removed;
    },

    /** The app's alert history, newest first; `before` (an event id) pages on. */
    async history(actor: Actor, idOrName: string, q: { limit?: number; before?: number } = {}): Promise<AlertEvent[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing alerts");
      const limit = q.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
        throw new ValidationError(`limit is a whole number from 1 to ${MAX_HISTORY_PAGE}.`);
      }
      if (q.before !== undefined && (!Number.isInteger(q.before) || q.before < 1)) throw new ValidationError("before is an event id.");
      return listAlertEvents(db, app.id, limit, q.before);
    },

    async listChannels(actor: Actor, teamId: string): Promise<AlertChannel[]> {
      if (!isUuid(teamId)) throw new ValidationError(`"${teamId.slice(0, 64)}" is not a team id.`);
      await requireTeamRole(db, actor, teamId, "read", "viewing notification channels");
      return (await listAlertChannels(db, teamId)).map(publicChannel);
    },

    /** A new channel; a webhook's signing secret (made here unless given) is in the answer this once. */
    async createChannel(actor: Actor, teamId: string, input: AlertChannelInput): Promise<AlertChannel & { signingSecret?: string }> {
      if (!isUuid(teamId)) throw new ValidationError(`"${teamId.slice(0, 64)}" is not a team id.`);
      await requireTeamRole(db, actor, teamId, "manage", "adding notification channels");
      const name = checkChannelName(input.name);
      const config = configFromInput(input);
      await checkChannelDestination(deps.outbound, config);
      const id = randomUUID();
      const sealed = sealConfig(keyring, id, config);
      const row = await withActor(db, actor, async (tx) => {
        if ((await listAlertChannels(tx, teamId)).some((c) => c.name.toLowerCase() === name.toLowerCase())) {
          throw new EngineError("CONFLICT", `The team already has a channel named "${name}".`);
        }
        return insertAlertChannel(tx, {
          id,
          teamId,
          name,
          type: config.type,
          summary: summarize(config),
          config: sealed.ciphertext,
          configNonce: sealed.nonce,
          configKeyId: sealed.keyId,
          createdBy: actor.userId,
        });
      });
      return { ...publicChannel(row), ...(config.type === "webhook" ? { signingSecret: config.secret } : {}) };
    },

    /** Changes the name and any of the target's fields; `rotateSecret` makes a webhook a new signing secret (in the answer). */
    async updateChannel(
      actor: Actor,
      teamId: string,
      id: string,
      input: AlertChannelInput & { rotateSecret?: boolean | undefined },
    ): Promise<AlertChannel & { signingSecret?: string }> {
      const row = await channelOf(actor, teamId, id, "manage", "changing notification channels");
      if (input.type !== undefined && input.type !== row.type)
        throw new ValidationError("A channel's type cannot change; make a new channel.");
      const name = input.name === undefined ? row.name : checkChannelName(input.name);
      const { rotateSecret, ...fields } = input;
      if (rotateSecret && row.type !== "webhook") throw new ValidationError("Only webhook channels have a signing secret.");
      if (rotateSecret && fields.secret !== undefined) throw new ValidationError("Give a new secret or ask for one to be made, not both.");
      const secret = rotateSecret ? randomBytes(32).toString("hex") : fields.secret;
      const config = mergeConfig(openConfig(keyring, row), row.type as AlertChannelType, { ...fields, secret });
      await checkChannelDestination(deps.outbound, config);
      const sealed = sealConfig(keyring, row.id, config);
      const updated = await withActor(db, actor, async (tx) => {
        if (
          name.toLowerCase() !== row.name.toLowerCase() &&
          (await listAlertChannels(tx, teamId)).some((c) => c.name.toLowerCase() === name.toLowerCase())
        ) {
          throw new EngineError("CONFLICT", `The team already has a channel named "${name}".`);
        }
        return updateAlertChannel(tx, row.id, {
          name,
          summary: summarize(config),
          config: sealed.ciphertext,
          configNonce: sealed.nonce,
          configKeyId: sealed.keyId,
        });
      });
      return {
        ...publicChannel(updated ?? row),
        ...(secret !== undefined && config.type === "webhook" ? { signingSecret: config.secret } : {}),
      };
    },

    async removeChannel(actor: Actor, teamId: string, id: string): Promise<{ id: string; name: string }> {
      const row = await channelOf(actor, teamId, id, "manage", "removing notification channels");
      const removed = await withActor(db, actor, (tx) => deleteAlertChannel(tx, teamId, row.id));
      if (!removed) throw new AlertChannelNotFoundError(id);
      return removed;
    },

    /** Sends a test notice through the channel now and says how it went (it is not kept in any history). */
    async testChannel(actor: Actor, teamId: string, id: string): Promise<DeliveryResult> {
      const row = await channelOf(actor, teamId, id, "manage", "testing notification channels");
      // Each test reaches out to someone else's server: bounded, so the button is no flood gun.
      const key = `alert-test:${actor.userId}`;
      const limited = await deps.limiter.check(key, TESTS_PER_MINUTE, 60_000);
      if (limited.blocked) {
        throw new EngineError("TOO_MANY_REQUESTS", `At most ${TESTS_PER_MINUTE} test notifications a minute; try again shortly.`, {
          retryAfterSeconds: limited.retryAfterSeconds,
        });
      }
      await deps.limiter.record(key, 60_000);
      return deliver(
        openConfig(keyring, row),
        {
          state: "test",
          app: { id: "", name: row.name },
          rule: null,
          value: null,
          message: `A test notification from SkyPanel to the channel "${row.name}". If you read this, the channel works.`,
          at: deps.now(),
          eventId: null,
        },
        // One attempt: the person who pressed the button waits for the answer (a real notice retries).
        { ...delivery, attempts: 1 },
      );
    },

    /** Evaluates the app's rules now (tests, and after a change). */
    evaluateApp: evaluator.evaluateApp,
    evaluateAll: evaluator.evaluateAll,
    /** Waits for evaluations and deliveries under way. */
    settled: evaluator.settled,
    start: () => evaluator.start(),
    stop: () => evaluator.stop(),
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
