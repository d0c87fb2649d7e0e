// Alerts in the stub tRPC server: an app's rules and history, its team's channels, typed by the
// BFF's outputs and answering with the engine's rules and messages (packages/engine/src/alerts).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

type Kinds = RouterOutputs["alerts"]["kinds"];
type Rule = RouterOutputs["alerts"]["rules"][number];
export type StubAlertEvent = RouterOutputs["alerts"]["history"][number];
export type StubAlertChannel = RouterOutputs["alerts"]["channels"][number];

export interface StubAlerts {
  rules: Rule[];
  events: StubAlertEvent[];
  channels: StubAlertChannel[];
}

// The engine's ALERT_KIND_SPECS, as alerts.kinds answers.
export const STUB_ALERT_KINDS: Kinds = {
  latency_p95: {
    label: "Response time (p95) above",
    unit: "ms",
    threshold: { min: 1, max: 600_000 },
    duration: "for",
    defaultDurationSeconds: 300,
  },
  error_rate_5xx: {
    label: "5xx error rate above",
    unit: "%",
    threshold: { min: 0.01, max: 100 },
    duration: "window",
    defaultDurationSeconds: 300,
    minDurationSeconds: 10,
  },
  memory: {
    label: "Memory above (of the formation's limit)",
    unit: "%",
    threshold: { min: 1, max: 100 },
    duration: "for",
    defaultDurationSeconds: 300,
  },
  crash_loop: { label: "An instance is in a crash loop", unit: null, duration: null, defaultDurationSeconds: 0 },
  instance_down: { label: "Fewer instances up than the formation asks", unit: null, duration: "for", defaultDurationSeconds: 60 },
  deploy_failed: { label: "A deploy failed", unit: null, duration: null, defaultDurationSeconds: 0 },
  certificate: {
    label: "A certificate failed or expires within",
    unit: "days",
    threshold: { min: 1, max: 365, default: 14 },
    duration: null,
    defaultDurationSeconds: 0,
  },
  autoscaler_max: { label: "The autoscaler is at its maximum", unit: null, duration: "for", defaultDurationSeconds: 0 },
  scheduled_job_failed: { label: "A scheduled job's run failed or timed out", unit: null, duration: null, defaultDurationSeconds: 0 },
};

const AT = new Date("2025-01-02T03:04:05Z");
let counter = 0;
const nextId = () => `b0000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;

export function stubAlertChannel(name: string, type: StubAlertChannel["type"] = "webhook", teamId = "team-1"): StubAlertChannel {
  return {
    id: nextId(),
    teamId,
    name,
    type,
    summary: type === "email" ? "oncall@example.com" : "hooks.example.com",
    createdAt: AT,
    updatedAt: AT,
  };
}

export function stubAlertEvent(
  appId: string,
  state: "firing" | "resolved",
  message: string,
  extra: Partial<StubAlertEvent> = {},
): StubAlertEvent {
  return { id: ++counter, appId, ruleId: null, kind: "latency_p95", state, value: null, message, deliveries: [], at: AT, ...extra };
}

function describe(kind: keyof Kinds, threshold: number | null, durationSeconds: number) {
  const spec = STUB_ALERT_KINDS[kind];
  const unit = spec.unit === "%" ? " %" : ` ${spec.unit}`;
  const th = threshold === null ? "" : ` ${threshold}${unit}`;
  const minutes = durationSeconds % 60 === 0 ? `${durationSeconds / 60} min` : `${durationSeconds} s`;
  return `${spec.label}${th}${spec.duration && durationSeconds > 0 ? ` ${spec.duration === "for" ? "for" : "over"} ${minutes}` : ""}`;
}

export function alertsRouter(
  proc: StubProcedure,
  state: StubAlerts,
  deps: { find(idOrName: string): { id: string; teamId: string }; writable(what?: string): void; manage(): void },
) {
  const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });
  return t.router({
    kinds: proc("alerts.kinds").query(() => STUB_ALERT_KINDS),
    rules: proc("alerts.rules").query(({ input }) => state.rules.filter((r) => r.appId === deps.find(input.app).id)),
    addRule: proc("alerts.addRule").mutation(({ input }) => {
      deps.writable();
      const app = deps.find(input.app);
      const spec = STUB_ALERT_KINDS[input.kind];
      const threshold = spec.threshold ? (input.threshold ?? spec.threshold.default ?? null) : null;
      if (spec.threshold && (threshold === null || threshold < spec.threshold.min || threshold > spec.threshold.max)) {
        throw bad(`${input.kind}: the threshold is a number from ${spec.threshold.min} to ${spec.threshold.max} ${spec.unit}.`);
      }
      const durationSeconds = spec.duration ? (input.durationSeconds ?? spec.defaultDurationSeconds) : 0;
      const rule: Rule = {
        id: nextId(),
        appId: app.id,
        kind: input.kind,
        threshold,
        durationSeconds,
        enabled: input.enabled ?? true,
        createdBy: "user-1",
        createdAt: new Date(),
        updatedAt: new Date(),
        channelIds: [...(input.channelIds ?? [])].sort(),
        description: describe(input.kind, threshold, durationSeconds),
        state: "ok",
        stateSince: null,
      };
      state.rules.push(rule);
      return rule;
    }),
    updateRule: proc("alerts.updateRule").mutation(({ input }) => {
      deps.writable();
      const rule = state.rules.find((r) => r.id === input.id && r.appId === deps.find(input.app).id);
      if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: `This app has no alert rule "${input.id}".` });
      if (input.enabled !== undefined) rule.enabled = input.enabled;
      if (input.channelIds) rule.channelIds = [...input.channelIds].sort();
      if (!rule.enabled) rule.state = "ok";
      return rule;
    }),
    removeRule: proc("alerts.removeRule").mutation(({ input }) => {
      deps.writable();
      const rule = state.rules.find((r) => r.id === input.id && r.appId === deps.find(input.app).id);
      if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: `This app has no alert rule "${input.id}".` });
      state.rules = state.rules.filter((r) => r !== rule);
      return { id: rule.id };
    }),
    history: proc("alerts.history").query(({ input }) =>
      state.events.filter((e) => e.appId === deps.find(input.app).id).sort((a, b) => b.id - a.id),
    ),
    channels: proc("alerts.channels").query(({ input }) => state.channels.filter((c) => c.teamId === input.team)),
    addChannel: proc("alerts.addChannel").mutation(({ input }) => {
      deps.manage();
      if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u.test(input.name)) {
        throw bad("A channel's name is 1 to 64 characters: letters, digits, spaces, and . _ -.");
      }
      if (state.channels.some((c) => c.teamId === input.team && c.name.toLowerCase() === input.name.toLowerCase())) {
        throw new TRPCError({ code: "CONFLICT", message: `The team already has a channel named "${input.name}".` });
      }
      if (input.type !== "email" && !/^https?:\/\/\S+$/.test(input.url ?? ""))
        throw bad("The webhook's URL is an http:// or https:// URL.");
      const channel = {
        ...stubAlertChannel(input.name, input.type, input.team),
        summary: input.type === "email" ? (input.to ?? []).join(", ") : new URL(input.url ?? "").host,
      };
      state.channels.push(channel);
      return { ...channel, ...(input.type === "webhook" ? { signingSecret: "5ec7e7".repeat(10) } : {}) };
    }),
    removeChannel: proc("alerts.removeChannel").mutation(({ input }) => {
      deps.manage();
      const channel = state.channels.find((c) => c.id === input.id && c.teamId === input.team);
      if (!channel) throw new TRPCError({ code: "NOT_FOUND", message: `This team has no notification channel "${input.id}".` });
      state.channels = state.channels.filter((c) => c !== channel);
      for (const r of state.rules) r.channelIds = r.channelIds.filter((id) => id !== channel.id);
      return { id: channel.id, name: channel.name };
    }),
    testChannel: proc("alerts.testChannel").mutation(({ input }) => {
      deps.manage();
      const channel = state.channels.find((c) => c.id === input.id);
      if (!channel) throw new TRPCError({ code: "NOT_FOUND", message: `This team has no notification channel "${input.id}".` });
      return channel.type === "email"
        ? { ok: false, attempts: 1, error: "no SMTP server: set SKYPANEL_SMTP_URL, or give the channel its own smtpUrl" }
        : { ok: true, attempts: 1 };
    }),
  });
}
