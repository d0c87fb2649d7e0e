// A `fetch` for code written against fetch (the Heroku client): every request goes through
// openOutbound, so it gets the address checks, checked redirects, a deadline and a byte cap.
import { Readable } from "node:stream";
import type { OutboundPolicy } from "./policy.ts";
import { openOutbound, shownUrl } from "./request.ts";

export interface OutboundFetchOptions {
  /** What is fetched, for messages: "Heroku API", "Heroku download". */
  what: string;
  /** Per request, body included; a caller's own signal may end it sooner. */
  timeoutMs: number;
  maxBytes: number;
  /** Redirects followed when the caller lets fetch follow them (default 5). */
  maxRedirects?: number;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

export function outboundFetch(policy: OutboundPolicy, o: OutboundFetchOptions): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (init.body != null && typeof init.body !== "string") throw new TypeError("outboundFetch sends string bodies only");
    const method = (init.method ?? "GET").toUpperCase();
    const res = await openOutbound(policy, {
      target: { what: o.what, shown: shownUrl(url) },
      url,
      method,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      ...(typeof init.body === "string" ? { body: init.body } : {}),
      timeoutMs: o.timeoutMs,
      maxBytes: o.maxBytes,
      maxRedirects: init.redirect === "manual" || init.redirect === "error" ? 0 : (o.maxRedirects ?? 5),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const headers = new Headers();
    for (const [key, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      else if (value !== undefined) headers.set(key, value);
    }
    const empty = NULL_BODY.has(res.status) || method === "HEAD";
    if (empty) res.body.destroy();
    const body = empty ? null : (Readable.toWeb(res.body) as ReadableStream<Uint8Array>);
    return new Response(body, { status: res.status, headers });
  };
}
