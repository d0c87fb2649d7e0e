// Sends one notice to one channel, in bounded time: each attempt has a deadline, a failed attempt
// is tried again after a pause, and after the last one the error is what the history records.
// Nothing here throws: the evaluation loop never waits on, or fails with, a channel.
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
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
      await sendOnce(config, notice, timeoutMs, options.smtp ?? null);
      return { ok: true, attempts: attempt };
    } catch (err) {
      error = (err as Error).message || String(err);
      // A channel that cannot work (no SMTP server configured) will not work on the next try either.
      if (err instanceof NotConfiguredError) return { ok: false, attempts: attempt, error };
    }
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
  return { ok: false, attempts, error };
}

class NotConfiguredError extends Error {}

function sendOnce(config: ChannelConfig, notice: AlertNotice, timeoutMs: number, smtp: SmtpSettings | null): Promise<void> {
  if (config.type === "webhook") {
    const body = JSON.stringify(noticeJson(notice));
    const timestamp = Math.floor(Date.now() / 1000);
    return post(config.url, body, timeoutMs, {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signBody(config.secret, timestamp, body),
      "X-SkyPanel-Event": `alert.${notice.state}`,
      "X-SkyPanel-Delivery": randomUUID(),
    });
  }
  if (config.type === "slack") return post(config.url, JSON.stringify(noticeSlack(notice)), timeoutMs, {});
  return sendMail(config, notice, timeoutMs, smtp);
}

async function post(url: string, body: string, timeoutMs: number, headers: Record<string, string>) {
  // Issue 17's SSRF guard applies here too: the address the name resolves to at send time is
  // checked (a DNS answer can change after the URL was accepted). Loopback must keep working for tests.
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "user-agent": "SkyPanel-Alerts/1", ...headers },
    // A redirect could lead anywhere; the receiver must answer itself.
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((err: Error) => {
    const why = err.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (err.cause as Error | undefined)?.message || err.message;
    throw new Error(`POST ${new URL(url).host}: ${why}`);
  });
  // Read (and drop) the answer so the connection is freed; a receiver's text may say what it refused.
  const text = (await res.text().catch(() => "")).slice(0, 200);
  if (res.status < 200 || res.status > 299) throw new Error(`POST ${new URL(url).host} answered ${res.status}${text ? `: ${text}` : ""}`);
}

async function sendMail(
  config: Extract<ChannelConfig, { type: "email" }>,
  notice: AlertNotice,
  timeoutMs: number,
  smtp: SmtpSettings | null,
) {
  const url = config.smtpUrl ?? smtp?.url;
  if (!url) throw new NotConfiguredError("no SMTP server: set SKYPANEL_SMTP_URL, or give the channel its own smtpUrl");
  const from = config.from ?? smtp?.from ?? "skypanel@localhost";
  const transport = nodemailer.createTransport({
    url,
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
