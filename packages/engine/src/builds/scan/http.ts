// The scan's requests: each with a time cap and a byte cap, a few at a time, never more than the
// scan's own deadline. A source that cannot be reached makes its ecosystem "not checked"; it never
// fails the build.
import { formatBytes } from "../cache.ts";

export interface ScanLimits {
  /** One request's time cap. */
  requestTimeoutMs: number;
  /** One answer's byte cap. */
  maxResponseBytes: number;
  /** Requests in flight at once, per ecosystem. */
  concurrency: number;
  /** Packages looked up per ecosystem; the rest are named as not checked. */
  maxPackages: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  requestTimeoutMs: 15_000,
  maxResponseBytes: 8 * 1024 * 1024,
  concurrency: 4,
  maxPackages: 2000,
};

/** The source could not answer (unreachable, refused, too slow, too large, not JSON): the reason is for the user. */
export class SourceUnavailableError extends Error {}

/** A JSON answer within the caps; `json` is null for a status other than 200. */
export async function fetchJson(
  url: string,
  init: { method?: "GET" | "POST"; body?: string },
  limits: ScanLimits,
  signal: AbortSignal,
): Promise<{ status: number; statusText: string; json: unknown }> {
  const timeout = AbortSignal.timeout(limits.requestTimeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? "GET",
      body: init.body,
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
      redirect: "follow",
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    if (timeout.aborted) throw new SourceUnavailableError(`no answer from ${new URL(url).host} within ${limits.requestTimeoutMs / 1000} s`);
    if (signal.aborted) throw new SourceUnavailableError("the scan ran out of time");
    throw new SourceUnavailableError(`${new URL(url).host} could not be reached (${causeOf(err)})`);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    return { status: res.status, statusText: res.statusText, json: null };
  }
  const text = await readCapped(res, limits, url, timeout, signal);
  try {
    return { status: 200, statusText: res.statusText, json: JSON.parse(text) };
  } catch {
    throw new SourceUnavailableError(`${new URL(url).host} answered something that is not JSON`);
  }
}

async function readCapped(res: Response, limits: ScanLimits, url: string, timeout: AbortSignal, signal: AbortSignal): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > limits.maxResponseBytes) {
        await reader.cancel().catch(() => {});
        throw new SourceUnavailableError(`${new URL(url).host} answered more than ${formatBytes(limits.maxResponseBytes)}`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof SourceUnavailableError) throw err;
    if (timeout.aborted)
      throw new SourceUnavailableError(`${new URL(url).host} did not finish answering within ${limits.requestTimeoutMs / 1000} s`);
    if (signal.aborted) throw new SourceUnavailableError("the scan ran out of time");
    throw new SourceUnavailableError(`${new URL(url).host} broke off its answer (${causeOf(err)})`);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
