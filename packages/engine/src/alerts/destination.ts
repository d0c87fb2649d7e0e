// A channel's webhook or SMTP server is checked when it is saved, for a clear refusal then; every
// delivery checks again (deliver.ts), since where a name points can change afterwards.
import { checkOutbound, type OutboundPolicy, OutboundUnresolvedError } from "../net/index.ts";
import type { ChannelConfig } from "./channels.ts";

export async function checkChannelDestination(policy: OutboundPolicy, config: ChannelConfig): Promise<void> {
  const url = config.type === "email" ? config.smtpUrl : config.url;
  if (!url) return;
  const parsed = new URL(url);
  const what = config.type === "webhook" ? "alert webhook" : config.type === "slack" ? "Slack webhook" : "SMTP server";
  try {
    await checkOutbound(policy, { what, shown: `${parsed.protocol}//${parsed.host}` }, parsed.hostname);
  } catch (err) {
    // A name that does not resolve yet is taken: it may by the time an alert fires.
    if (!(err instanceof OutboundUnresolvedError)) throw err;
  }
}
