// One request to Heroku, done the way its API asks: the bearer token, a timeout, a cap on the
// answer's size, retries on 429 (bounded), and list pages followed through Range/Next-Range.
// Every failure becomes a HerokuApiError whose message never holds the token.
// The base URLs are the operator's settings (SKYPANEL_HEROKU_API_URL…), so these requests are not
// put through the outbound guard; the slug and backup URLs Heroku answers with are (client.ts).
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { herokuErrorBodySchema } from "./api-types.ts";
import { errorForStatus, HerokuApiError, type RequestWhat, unreachable, unusableAnswer } from "./errors.ts";

export interface HerokuHttpOptions {
  token: string;
  fetch: typeof fetch;
  timeoutMs: number;
  /** Tries for one request when Heroku answers 429, the first included. */
  maxTries: number;
  /** The longest wait before a retry, whatever Retry-After asks. */
  maxRetryWaitMs: number;
  maxJsonBytes: number;
  maxPages: number;
}

export interface HerokuRequest extends RequestWhat {
  /** apiUrl or dataApiUrl, no trailing slash. */
  base: string;
  method: "GET" | "POST";
  /** Already encoded: "/apps/shop/config-vars". */
  path: string;
  accept: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const MAX_ERROR_BODY = 64 * 1024;

export interface HerokuHttp {
  /** One answer, checked against `schema`. */
  json<S extends z.ZodType>(req: HerokuRequest, schema: S): Promise<z.infer<S>>;
  /** A list endpoint page by page; the first page asks with `range` when given. */
  pages<S extends z.ZodType>(req: HerokuRequest, item: S, range?: string): AsyncGenerator<z.infer<S>[]>;
  /** RateLimit-Remaining from Heroku's latest answer, null before any. */
  rateLimitRemaining(): number | null;
  scrub(text: string): string;
}

export function createHerokuHttp(o: HerokuHttpOptions): HerokuHttp {
  let remaining: number | null = null;
  const scrub = (text: string) => (o.token === "" ? text : text.split(o.token).join("[token]"));

  async function send(req: HerokuRequest, range: string | undefined): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetchOnce(req, range);
      const left = Number.parseInt(res.headers.get("ratelimit-remaining") ?? "", 10);
      if (Number.isFinite(left)) remaining = left;
      const retryAfter = retryAfterSeconds(res.headers);
      if (res.status === 429 && attempt < o.maxTries) {
        await res.body?.cancel().catch(() => {});
        // Heroku refills the token's budget continuously; a short wait is usually enough.
        await sleep(Math.min(retryAfter === null ? 1000 * 2 ** (attempt - 1) : retryAfter * 1000, o.maxRetryWaitMs));
        continue;
      }
      if (res.status !== 200 && res.status !== 201 && res.status !== 206) {
        const text = await readCapped(res, MAX_ERROR_BODY, req).catch(() => null);
        throw errorForStatus(res.status, herokuError(text), req, scrub, retryAfter);
      }
      const text = await readCapped(res, o.maxJsonBytes, req);
      return { status: res.status, headers: res.headers, body: parseJson(text, res, req) };
    }
  }

  async function fetchOnce(req: HerokuRequest, range: string | undefined): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: req.accept,
      Authorization: `Bearer ${o.token}`,
      "User-Agent": "skypanel-heroku-import",
    };
    if (range !== undefined) headers.Range = range;
    try {
      return await o.fetch(`${req.base}${req.path}`, { method: req.method, headers, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (err) {
      throw unreachable(req, new URL(req.base).host, scrub(failureWords(err, o.timeoutMs)));
    }
  }

  async function readCapped(res: Response, max: number, req: HerokuRequest): Promise<string> {
    const declared = Number(res.headers.get("content-length"));
    const tooLarge = () => unusableAnswer(req, res.status, `it is larger than ${max} bytes, the most this importer reads`);
    if (Number.isFinite(declared) && declared > max) {
      await res.body?.cancel();
      throw tooLarge();
    }
    if (!res.body) return "";
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      // Node's web streams are async iterable; the DOM typings some packages check this with are not.
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > max) throw tooLarge();
        chunks.push(Buffer.from(chunk));
      }
    } catch (err) {
      await res.body.cancel().catch(() => {});
      if (err instanceof HerokuApiError) throw err;
      throw unreachable(req, new URL(req.base).host, scrub(failureWords(err, o.timeoutMs)));
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  return {
    async json(req, schema) {
      const answer = await send(req, undefined);
      return checked(answer, schema, req);
    },
    async *pages(req, item, range) {
      let next = range;
      for (let page = 1; ; page++) {
        const answer = await send(req, next);
        const items = checked(answer, item.array(), req);
        yield items;
        const nextRange = answer.headers.get("next-range");
        if (answer.status !== 206 || !nextRange) return;
        if (page >= o.maxPages)
          throw unusableAnswer(req, answer.status, `it runs past ${o.maxPages} pages, the most this importer follows`);
        next = nextRange;
      }
    },
    rateLimitRemaining: () => remaining,
    scrub,
  };

  function checked<S extends z.ZodType>(answer: Answer, schema: S, req: HerokuRequest): z.infer<S> {
    const result = schema.safeParse(answer.body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw unusableAnswer(req, answer.status, `it is not the documented shape (${scrub(issue?.message ?? "unknown")}${where})`);
  }
}

function parseJson(text: string, res: Response, req: HerokuRequest): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const type = res.headers.get("content-type") ?? "no content type";
    throw unusableAnswer(req, res.status, `it is not JSON (${type.split(";")[0]})`);
  }
}

function herokuError(text: string | null): { id: string; message: string } | null {
  if (text === null) return null;
  try {
    const parsed = herokuErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Retry-After in seconds (Heroku sends seconds; an HTTP date is read too), or null. */
function retryAfterSeconds(headers: Headers): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Why a fetch or a body read failed, in words. */
export function failureWords(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === "TimeoutError") return `no answer within ${+(timeoutMs / 1000).toFixed(1)} s`;
  if (err instanceof Error && err.name === "AbortError") return "cancelled";
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  // Callers end the sentence: a full stop of the guard's own message would make two.
  return (cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))).replace(/\.$/, "");
}
