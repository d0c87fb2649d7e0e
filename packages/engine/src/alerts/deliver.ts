// Sends one notice to one channel, in bounded time: each attempt has a deadline, a failed attempt
// is tried again after a pause, and after the last one the error is what the history records.
// Nothing here throws: the evaluation loop never waits on, or fails with, a channel.
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { EngineError } from "../errors.ts";
import {
  bareHost,
  checkOutbound,
  DEFAULT_OUTBOUND_POLICY,
  type OutboundPolicy,
  OutboundRefusedError,
  outboundRequest,
  parseAddress,
} from "../net/index.ts";
import type { ChannelConfig } from "./channels.ts";
import { type AlertNotice, noticeJson, noticeSlack, noticeSubject, noticeText } from "./notice.ts";
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from "./signature.ts";

/** The platform's SMTP server (SKYPANEL_SMTP_URL, SKYPANEL_SMTP_FROM), for email channels without their own. */
export interface SmtpSettings {
  url: string;
  from: string;
}

export interface DeliveryOptions {
  /** Deadline of one attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** Pause before the second attempt, doubled before each next one (default 1 s). */
  retryDelayMs?: number;
  smtp?: SmtpSettings | null;
  /** Where webhooks and a channel's own SMTP server may be (default: public addresses only). */
  outbound?: OutboundPolicy;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  error?: string;
}

export async function deliver(config: ChannelConfig, notice: AlertNotice, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const timeoutMs = options.timeoutMs ?? 10_000;
  let delay = options.retryDelayMs ?? 1000;
  let error = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await sendOnce(config, notice, timeoutMs, options.smtp ?? null, options.outbound ?? DEFAULT_OUTBOUND_POLICY);
      return { ok: true, attempts: attempt };
    } catch (err) {
      error = (err as Error).message || String(err);
      // A channel that cannot work (no SMTP server configured) will not work on the next try either.
      if (err instanceof NotConfiguredError || err instanceof OutboundRefusedError) return { ok: false, attempts: attempt, error };
    }
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
  return { ok: false, attempts, error };
}

class NotConfiguredError extends Error {}

function sendOnce(
  config: ChannelConfig,
  notice: AlertNotice,
  timeoutMs: number,
  smtp: SmtpSettings | null,
  policy: OutboundPolicy,
): Promise<void> {
  if (config.type === "webhook") {
    const body = JSON.stringify(noticeJson(notice));
    const timestamp = Math.floor(Date.now() / 1000);
    return post(policy, "alert webhook", config.url, body, timeoutMs, {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signBody(config.secret, timestamp, body),
      "X-SkyPanel-Event": `alert.${notice.state}`,
      "X-SkyPanel-Delivery": randomUUID(),
    });
  }
  if (config.type === "slack") return post(policy, "Slack webhook", config.url, JSON.stringify(noticeSlack(notice)), timeoutMs, {});
  return sendMail(config, notice, timeoutMs, smtp, policy);
}

/** The receiver's answer is read only this far: its start may say what it refused. */
const MAX_ANSWER = 64 * 1024;

async function post(policy: OutboundPolicy, what: string, url: string, body: string, timeoutMs: number, headers: Record<string, string>) {
  const host = new URL(url).host;
  const res = await outboundRequest(policy, {
    // The URL's path is often the webhook's secret: messages name the host only.
    target: { what, shown: host },
    url,
    method: "POST",
    body,
    headers: { "content-type": "application/json", "user-agent": "SkyPanel-Alerts/1", ...headers },
    timeoutMs,
    maxBytes: MAX_ANSWER,
    // A redirect could lead anywhere; the receiver must answer itself.
    maxRedirects: 0,
  }).catch((err: Error) => {
    // The guard's own errors (refused, timed out, too large) already say what and where.
    if (err instanceof EngineError) throw err;
    throw new Error(`POST ${host}: ${(err.cause as Error | undefined)?.message || err.message}`);
  });
  const text = res.body.toString("utf8").slice(0, 200);
  if (res.status < 200 || res.status > 299) throw new Error(`POST ${host} answered ${res.status}${text ? `: ${text}` : ""}`);
}

/**
 * A channel's own SMTP server is the user's to name: its host is checked, and nodemailer connects
 * to the checked address (the name kept for TLS), so it cannot resolve to another one. The
 * platform's SMTP server (SKYPANEL_SMTP_URL) is the operator's and is used as given.
 */
async function pinnedSmtpUrl(policy: OutboundPolicy, url: string): Promise<{ url: string; servername?: string }> {
  const parsed = new URL(url);
  const host = bareHost(parsed.hostname);
  const [first] = await checkOutbound(policy, { what: "SMTP server", shown: `${parsed.protocol}//${parsed.host}` }, host);
  if (!first || parseAddress(host)) return { url };
  parsed.hostname = first.family === 6 ? `[${first.address}]` : first.address;
  return { url: parsed.toString(), servername: host };
}

async function sendMail(
  config: Extract<ChannelConfig, { type: "email" }>,
  notice: AlertNotice,
  timeoutMs: number,
  smtp: SmtpSettings | null,
  policy: OutboundPolicy,
) {
  const url = config.smtpUrl ?? smtp?.url;
  if (!url) throw new NotConfiguredError("no SMTP server: set SKYPANEL_SMTP_URL, or give the channel its own smtpUrl");
  const from = config.from ?? smtp?.from ?? "skypanel@localhost";
  const server = config.smtpUrl ? await pinnedSmtpUrl(policy, config.smtpUrl) : { url };
  const transport = nodemailer.createTransport({
    url: server.url,
    ...(server.servername ? { servername: server.servername } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({ from, to: config.to, subject: noticeSubject(notice), text: noticeText(notice) });
  } finally {
    transport.close();
  }
}
