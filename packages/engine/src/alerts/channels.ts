// A team's notification channels. The target and its secrets (a webhook's URL and signing secret,
// a Slack URL, which is itself a secret, an SMTP URL with its password) are sealed as one JSON
// value under the platform's key, bound to the channel's id; the dashboard sees a summary.
import { randomBytes } from "node:crypto";
import { ALERT_CHANNEL_TYPES, type AlertChannelRow, type AlertChannelType, type Database } from "@skypanel/db";
import { listAllAlertChannels, updateAlertChannel } from "@skypanel/db/queries";
import { ValidationError } from "../errors.ts";
import { open, type Sealed, seal } from "../secrets/index.ts";
import type { Keyring } from "../secrets/keyring.ts";

export type ChannelConfig =
  | { type: "webhook"; url: string; secret: string }
  | { type: "slack"; url: string }
  | { type: "email"; to: string[]; smtpUrl: string | null; from: string | null };

/** What a user sends to make or change a channel; fields that do not fit its type are refused. */
export interface AlertChannelInput {
  name?: string | undefined;
  type?: string | undefined;
  url?: string | undefined;
  /** Webhooks: the signing secret; absent on create, one is made (and shown once). */
  secret?: string | undefined;
  to?: string[] | undefined;
  smtpUrl?: string | null | undefined;
  from?: string | null | undefined;
}

/** A channel as the API shows it: never the sealed config. */
export interface AlertChannel {
  id: string;
  teamId: string;
  name: string;
  type: AlertChannelType;
  summary: string;
  createdAt: Date;
  updatedAt: Date;
}

export const CHANNEL_NAME_RULE = "1 to 64 characters: letters, digits, spaces, and . _ -";
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;
const EMAIL = /^[^\s@<>(),;:"[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;
export const MAX_RECIPIENTS = 10;

export const channelSealContext = (channelId: string) => `alert-channel:${channelId}`;

export function checkChannelName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (!NAME.test(trimmed)) throw new ValidationError(`A channel's name is ${CHANNEL_NAME_RULE}.`);
  return trimmed;
}

/** An http(s) URL without spaces: where a webhook or Slack notice is POSTed. */
function checkUrl(url: unknown, what: string): string {
  if (typeof url !== "string" || url.length > 2000)
    throw new ValidationError(`${what} is an http:// or https:// URL (at most 2000 characters).`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`${what} is an http:// or https:// URL; "${url.slice(0, 100)}" is not a URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ValidationError(`${what} is an http:// or https:// URL.`);
  if (parsed.username || parsed.password) throw new ValidationError(`${what} may not carry a user name or password.`);
  // Issue 17's SSRF guard will also refuse private and link-local targets here; loopback stays
  // allowed for now because the tests' receivers listen on it.
  return parsed.toString();
}

function checkSmtpUrl(url: unknown): string {
  if (typeof url !== "string" || url.length > 2000 || !/^smtps?:\/\/[^\s/]+(:\d+)?\/?(\?\S*)?$/.test(url)) {
    throw new ValidationError("The SMTP URL is smtp://user:password@host:port or smtps://… (STARTTLS is used when the server offers it).");
  }
  return url;
}

export function checkEmail(address: unknown, what = "A recipient"): string {
  if (typeof address !== "string" || address.length > 254 || !EMAIL.test(address.trim())) {
    throw new ValidationError(`${what} is an email address like ops@example.com.`);
  }
  return address.trim();
}

/** The channel's sealed config from a create's input. */
export function configFromInput(input: AlertChannelInput): ChannelConfig {
  if (!ALERT_CHANNEL_TYPES.includes(input.type as AlertChannelType)) {
    throw new ValidationError(`A channel's type is one of ${ALERT_CHANNEL_TYPES.join(", ")}.`);
  }
  return mergeConfig(null, input.type as AlertChannelType, input);
}

/** `previous` changed by `input`'s fields (an update), checked as a whole. */
export function mergeConfig(previous: ChannelConfig | null, type: AlertChannelType, input: AlertChannelInput): ChannelConfig {
  const refuse = (field: string) => {
    throw new ValidationError(`A ${type} channel has no ${field}.`);
  };
  if (type === "webhook") {
    if (input.to !== undefined) refuse("recipients (to)");
    if (input.smtpUrl !== undefined) refuse("SMTP URL");
    if (input.from !== undefined) refuse("sender (from)");
    const prev = previous?.type === "webhook" ? previous : null;
    const url = input.url !== undefined ? checkUrl(input.url, "The webhook's URL") : prev?.url;
    if (!url) throw new ValidationError("A webhook channel needs a url.");
    let secret = prev?.secret ?? randomBytes(32).toString("hex");
    if (input.secret !== undefined) {
      if (typeof input.secret !== "string" || input.secret.length < 16 || input.secret.length > 200 || /\s/.test(input.secret)) {
        throw new ValidationError("A webhook's signing secret is 16 to 200 characters without spaces.");
      }
      secret = input.secret;
    }
    return { type, url, secret };
  }
  if (type === "slack") {
    for (const f of ["to", "smtpUrl", "from", "secret"] as const) if (input[f] !== undefined) refuse(f);
    const prev = previous?.type === "slack" ? previous : null;
    const url = input.url !== undefined ? checkUrl(input.url, "The Slack webhook's URL") : prev?.url;
    if (!url) throw new ValidationError("A slack channel needs the incoming webhook's url.");
    return { type, url };
  }
  if (input.url !== undefined) refuse("url");
  if (input.secret !== undefined) refuse("signing secret");
  const prev = previous?.type === "email" ? previous : null;
  let to = prev?.to;
  if (input.to !== undefined) {
    if (!Array.isArray(input.to) || input.to.length < 1 || input.to.length > MAX_RECIPIENTS) {
      throw new ValidationError(`An email channel has 1 to ${MAX_RECIPIENTS} recipients (to).`);
    }
    to = [...new Set(input.to.map((a) => checkEmail(a)))];
  }
  if (!to) throw new ValidationError("An email channel needs its recipients (to).");
  const smtpUrl = input.smtpUrl === undefined ? (prev?.smtpUrl ?? null) : input.smtpUrl === null ? null : checkSmtpUrl(input.smtpUrl);
  const from = input.from === undefined ? (prev?.from ?? null) : input.from === null ? null : checkEmail(input.from, "The sender (from)");
  return { type, to, smtpUrl, from };
}

/** What the dashboard may show: the host a webhook goes to, the recipients. */
export function summarize(config: ChannelConfig): string {
  if (config.type === "email") return `${config.to.join(", ")}${config.smtpUrl ? " (own SMTP server)" : ""}`;
  return new URL(config.url).host;
}

export function sealConfig(keyring: Keyring, channelId: string, config: ChannelConfig): Sealed {
  return seal(keyring, JSON.stringify(config), channelSealContext(channelId));
}

export function openConfig(keyring: Keyring, row: AlertChannelRow): ChannelConfig {
  return JSON.parse(
    open(keyring, { ciphertext: row.config, nonce: row.configNonce, keyId: row.configKeyId }, channelSealContext(row.id)),
  ) as ChannelConfig;
}

export function publicChannel(row: AlertChannelRow): AlertChannel {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    type: row.type,
    summary: row.summary,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Seals every channel's config again under `keyId` (the master key's rotation); returns how many changed. */
export async function resealAlertChannels(db: Database, keyring: Keyring, keyId: string): Promise<number> {
  let n = 0;
  for (const row of await listAllAlertChannels(db)) {
    if (row.configKeyId === keyId) continue;
    const sealed = sealConfig(keyring, row.id, openConfig(keyring, row));
    await updateAlertChannel(db, row.id, { config: sealed.ciphertext, configNonce: sealed.nonce, configKeyId: sealed.keyId });
    n++;
  }
  return n;
}
