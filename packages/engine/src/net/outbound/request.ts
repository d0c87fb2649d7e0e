// One HTTP(S) exchange made for a user, under the outbound policy: each connection's address is
// checked as it is made (guardedLookup), redirects are followed by hand, a bounded number, each
// hop checked again, and the whole exchange (body included) has a deadline and a byte cap.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { type Readable, Transform } from "node:stream";
import { bareHost, checkOutbound, guardedLookup } from "./check.ts";
import { parseAddress } from "./classify.ts";
import { OutboundRedirectError, type OutboundTarget, OutboundTimeoutError, OutboundTooLargeError } from "./errors.ts";
import type { OutboundPolicy } from "./policy.ts";

export interface OutboundRequestOptions {
  target: OutboundTarget;
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the whole exchange: connecting, every redirect, and reading the body. */
  timeoutMs: number;
  /** The most bytes of the answer's body read; past it, reading stops with OutboundTooLargeError. */
  maxBytes: number;
  /** Redirects followed, each checked again (default 0: a 3xx answer is returned as it is). */
  maxRedirects?: number;
  /** Certificate authorities for https (default: Node's). */
  ca?: string[];
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Where the answer came from, after redirects. */
  url: URL;
  /** The body, capped; it errors with OutboundTooLargeError or OutboundTimeoutError. */
  body: Readable;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL as messages show it: no user, password or query (pre-signed URLs carry credentials there). */
export function shownUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** Opens the exchange and returns once the final answer's headers are in; the body streams. */
export async function openOutbound(policy: OutboundPolicy, o: OutboundRequestOptions): Promise<OutboundResponse> {
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
  const timedOut = () => new OutboundTimeoutError(o.target, o.timeoutMs);
  let url = new URL(o.url);
  let method = (o.method ?? "GET").toUpperCase();
  let body = o.body;
  const headers = { ...o.headers };
  const maxRedirects = o.maxRedirects ?? 0;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new OutboundRedirectError(o.target, `${url.protocol} is not http or https`);
    const target = hop === 0 ? o.target : { what: o.target.what, shown: `${o.target.shown} (redirected to ${shownUrl(url)})` };
    // Names are checked by the connection's own lookup; an address in the URL never reaches one.
    if (parseAddress(bareHost(url.hostname))) await checkOutbound(policy, target, url.hostname);
    const res = await exchange(policy, target, url, { method, headers, body, ca: o.ca, signal }).catch((err: Error) => {
      // The caller's own signal (a cancel, its own deadline) is reported as the caller made it.
      throw deadline.aborted ? timedOut() : o.signal?.aborted ? o.signal.reason : err;
    });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location || maxRedirects === 0) return capped(res, url, o, signal, deadline, timedOut);
    res.resume();
    if (hop >= maxRedirects) throw new OutboundRedirectError(o.target, `more than ${maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new OutboundRedirectError(o.target, "its Location is not a URL");
    }
    if (next.origin !== url.origin) {
      // Credentials meant for one server never follow a redirect to another.
      for (const key of Object.keys(headers)) if (/^(authorization|cookie|proxy-authorization)$/i.test(key)) delete headers[key];
    }
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      for (const key of Object.keys(headers)) if (/^content-(type|length)$/i.test(key)) delete headers[key];
    }
    url = next;
  }
}

/** The whole answer, read within the caps. */
export async function outboundRequest(
  policy: OutboundPolicy,
  o: OutboundRequestOptions,
): Promise<{ status: number; headers: IncomingHttpHeaders; url: URL; body: Buffer }> {
  const res = await openOutbound(policy, o);
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return { status: res.status, headers: res.headers, url: res.url, body: Buffer.concat(chunks) };
}

function exchange(
  policy: OutboundPolicy,
  target: OutboundTarget,
  url: URL,
  o: { method: string; headers: Record<string, string>; body: string | Buffer | undefined; ca: string[] | undefined; signal: AbortSignal },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = {
      method: o.method,
      headers: o.headers,
      signal: o.signal,
      lookup: guardedLookup(policy, target),
      agent: false as const,
    };
    const req = url.protocol === "https:" ? httpsRequest(url, { ...options, ...(o.ca ? { ca: o.ca } : {}) }) : httpRequest(url, options);
    req.once("response", resolve);
    req.once("error", reject);
    req.end(o.body);
  });
}

function capped(
  res: IncomingMessage,
  url: URL,
  o: OutboundRequestOptions,
  signal: AbortSignal,
  deadline: AbortSignal,
  timedOut: () => Error,
): OutboundResponse {
  const tooLarge = () => new OutboundTooLargeError(o.target, o.maxBytes);
  let bytes = 0;
  const body = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > o.maxBytes) return done(tooLarge());
      done(null, chunk);
    },
  });
  const declared = Number(res.headers["content-length"]);
  const stop = () => {
    const err = deadline.aborted ? timedOut() : ((signal.reason as Error) ?? new Error("cancelled"));
    res.destroy();
    body.destroy(err);
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  res.once("error", (err) => body.destroy(deadline.aborted ? timedOut() : err));
  body.once("close", () => {
    signal.removeEventListener("abort", stop);
    res.destroy();
  });
  if (Number.isFinite(declared) && declared > o.maxBytes) {
    res.destroy();
    process.nextTick(() => body.destroy(tooLarge()));
  } else res.pipe(body);
  return { status: res.statusCode ?? 0, headers: res.headers, url, body: body as Readable };
}
