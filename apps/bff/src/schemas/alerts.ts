// Alert rules of an app, its team's notification channels, and the alert history.
import { ALERT_CHANNEL_TYPES, ALERT_KINDS, ALERT_STATES, alertEvents, alertRules } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

// Shapes and outer bounds only; the engine checks each kind's own bounds and says which one a value breaks.
const threshold = z
  .number()
  .min(0)
  .max(1_000_000)
  .nullable()
  .optional()
  .meta({ description: "ms (latency_p95), % (error_rate_5xx, memory) or days (certificate); the other kinds take none." });
const durationSeconds = z.number().int().min(0).max(86_400).optional().meta({
  description:
    "How long the condition must hold (latency_p95, memory, instance_down, autoscaler_max) or the window the 5xx rate is taken over.",
});
const channelIds = z.array(z.uuid()).max(10).meta({ description: "Channels of the app's team told when the rule fires and resolves." });

export const alertKind = z.enum(ALERT_KINDS);
export const alertRuleRef = z.string().min(1).max(100).meta({ description: "The rule's id." });
export const alertRuleInput = z.object({
  app: appRef,
  kind: alertKind,
  threshold,
  durationSeconds,
  enabled: z.boolean().optional(),
  channelIds: channelIds.default([]),
});
export const alertRuleUpdateInput = z.object({
  app: appRef,
  id: alertRuleRef,
  threshold,
  durationSeconds,
  enabled: z.boolean().optional(),
  channelIds: channelIds.optional(),
});
export const alertRuleIdInput = z.object({ app: appRef, id: alertRuleRef });
export const alertHistoryInput = z.object({
  app: appRef,
  limit: z.number().int().min(1).max(200).default(50),
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: "Events older than this event id." }),
});

export const alertRuleSchema = createSelectSchema(alertRules)
  .extend({
    channelIds: z.array(z.string()),
    description: z.string().meta({ description: "The rule in words." }),
    state: z.enum(["firing", "ok"]),
    stateSince: z.date().nullable(),
  })
  .strict()
  .meta({ id: "AlertRule" });

const deliverySchema = z.strictObject({
  channelId: z.string(),
  name: z.string(),
  type: z.enum(ALERT_CHANNEL_TYPES),
  ok: z.boolean(),
  attempts: z.number().int(),
  error: z.string().optional(),
  at: z.string(),
});
export const alertEventSchema = createSelectSchema(alertEvents, { state: z.enum(ALERT_STATES), deliveries: z.array(deliverySchema) })
  .strict()
  .meta({ id: "AlertEvent" });

const teamRef = z.string().min(1).max(100).meta({ description: "The team's id." });
const channelRef = z.string().min(1).max(100).meta({ description: "The channel's id." });
// Each type's own fields: webhook (url, secret), slack (url), email (to, smtpUrl, from).
const channelFields = {
  name: z.string().max(200).optional(),
  url: z.string().max(2000).optional().meta({ description: "webhook and slack: where the notice is POSTed." }),
  secret: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "webhook: the HMAC signing secret; left out on create, one is made and shown once." }),
  to: z.array(z.string().max(254)).max(10).optional().meta({ description: "email: the recipients." }),
  smtpUrl: z.string().max(2000).nullable().optional().meta({ description: "email: its own smtp(s):// server; null: the platform's." }),
  from: z.string().max(254).nullable().optional().meta({ description: "email: the sender; null: SKYPANEL_SMTP_FROM." }),
};
export const alertChannelsInput = z.object({ team: teamRef });
export const alertChannelCreateInput = z.object({
  team: teamRef,
  type: z.enum(ALERT_CHANNEL_TYPES),
  ...channelFields,
  name: z.string().max(200),
});
export const alertChannelUpdateInput = z.object({
  team: teamRef,
  id: channelRef,
  ...channelFields,
  rotateSecret: z.boolean().optional().meta({ description: "webhook: make a new signing secret (in the answer, once)." }),
});
export const alertChannelIdInput = z.object({ team: teamRef, id: channelRef });

export const alertChannelSchema = z
  .strictObject({
    id: z.string(),
    teamId: z.string(),
    name: z.string(),
    type: z.enum(ALERT_CHANNEL_TYPES),
    summary: z.string().meta({ description: "Where it sends, without secrets: a URL's host, or the recipients." }),
    createdAt: z.date(),
    updatedAt: z.date(),
    signingSecret: z.string().optional().meta({ description: "webhook: only in the answer that made or changed the secret." }),
  })
  .meta({ id: "AlertChannel" });
export const removedAlertChannelSchema = z.strictObject({ id: z.string(), name: z.string() });
export const removedAlertRuleSchema = z.strictObject({ id: z.string() });
export const alertTestResultSchema = z.strictObject({ ok: z.boolean(), attempts: z.number().int(), error: z.string().optional() });
