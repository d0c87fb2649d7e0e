// A notice as every channel tells it: one JSON document (webhooks), one line of text (Slack), a
// subject and a body (email), all made from the same facts.
import type { AlertKind, AlertState } from "@skypanel/db";

export interface AlertNotice {
  /** "test" only for the "send a test notification" action. */
  state: AlertState | "test";
  app: { id: string; name: string };
  rule: { id: string; kind: AlertKind; threshold: number | null; durationSeconds: number; description: string } | null;
  value: number | null;
  message: string;
  at: Date;
  eventId: number | null;
}

const STATE_WORD = { firing: "FIRING", resolved: "RESOLVED", test: "TEST" } as const;

export function noticeJson(n: AlertNotice) {
  return {
    type: `alert.${n.state}`,
    state: n.state,
    app: n.app,
    rule: n.rule,
    value: n.value,
    message: n.message,
    at: n.at.toISOString(),
    eventId: n.eventId,
  };
}

export function noticeSubject(n: AlertNotice): string {
  const what = n.rule?.description ?? "test notification";
  return `[SkyPanel] ${STATE_WORD[n.state]}: ${n.app.name}: ${what}`;
}

export function noticeText(n: AlertNotice): string {
  return [
    `${STATE_WORD[n.state]}: ${n.app.name}`,
    n.rule ? `Rule: ${n.rule.description} (${n.rule.kind})` : "Rule: none (a test notification)",
    n.message,
    `At: ${n.at.toISOString()}`,
  ].join("\n");
}

/** Slack's incoming webhooks (and the chat tools that copy them) take `text`; blocks show it richer. */
export function noticeSlack(n: AlertNotice) {
  const icon = n.state === "firing" ? ":red_circle:" : n.state === "resolved" ? ":large_green_circle:" : ":information_source:";
  const text = `${icon} *${STATE_WORD[n.state]}* ${n.app.name}: ${n.rule?.description ?? "test notification"}\n${n.message}`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
