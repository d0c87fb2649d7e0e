// Streams a Heroku blob (a slug tarball, a pg_dump backup) to a file. The URL is pre-signed,
// often on another host (S3), so it gets no Authorization header: the token stays with
// Heroku. The URL itself is a credential until it expires, so messages name only its host.
import { type FileHandle, open, rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { formatBytes } from "../../sources/limits.ts";
import { HerokuApiError } from "./errors.ts";
import { failureWords } from "./http.ts";

export interface DownloadOptions {
  /** The most bytes taken; a larger blob is refused and nothing is kept. */
  maxBytes: number;
  signal?: AbortSignal;
  /** For the whole download, not per chunk. Default 15 minutes. */
  timeoutMs?: number;
  /** What it is, for messages: "the slug", "the backup of postgresql-shaped-12345". */
  what?: string;
}

export interface DownloadContext {
  fetch: typeof fetch;
  /** Plain http:// is only taken when Heroku itself is spoken to over http (a stand-in). */
  allowHttp: boolean;
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/** Writes the blob at `url` to `file`, replacing it; its size in bytes. A failed download leaves no partial file. */
export async function downloadBlob(ctx: DownloadContext, url: string, file: string, opts: DownloadOptions): Promise<{ bytes: number }> {
  const what = opts.what ?? "the file";
  const fail = (message: string, status = 0, details: Record<string, unknown> = {}) =>
    new HerokuApiError("BAD_REQUEST", message, status, null, details);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail(`Heroku gave a download address for ${what} that is not a URL.`);
  }
  if (parsed.protocol !== "https:" && !(ctx.allowHttp && parsed.protocol === "http:"))
    throw fail(`Heroku gave a download address for ${what} that is not https (${parsed.protocol}); it was not fetched.`);

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  const from = `from ${parsed.host}`;
  const tooLarge = () =>
    fail(`${capital(what)} is larger than ${formatBytes(opts.maxBytes)}, the most this import takes; nothing was kept.`, 200, {
      maxBytes: opts.maxBytes,
    });
  const stopped = (err: unknown) => {
    const words = failureWords(err, timeoutMs);
    return fail(`Downloading ${what} ${from} failed: ${words}.`);
  };

  let res: Response;
  try {
    res = await ctx.fetch(parsed, { signal: AbortSignal.any(signals), redirect: "follow" });
  } catch (err) {
    throw stopped(err);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    const hint = res.status === 403 ? " The pre-signed address may have expired; start again." : "";
    throw fail(`Downloading ${what} ${from} failed with HTTP ${res.status}.${hint}`, res.status);
  }
  if (!res.body) throw fail(`Downloading ${what} ${from} gave no body.`, res.status);
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body.cancel().catch(() => {});
    throw tooLarge();
  }

  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) return done(tooLarge());
      done(null, chunk);
    },
  });
  let handle: FileHandle;
  try {
    handle = await open(file, "w", 0o600);
  } catch (err) {
    await res.body.cancel().catch(() => {});
    throw err;
  }
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, handle.createWriteStream());
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(file, { force: true });
    throw err instanceof HerokuApiError ? err : stopped(err);
  }
  return { bytes };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
