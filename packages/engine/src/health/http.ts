import { request } from "node:http";
import { type BodyMatcher, bodyMatches, parseBodyMatch } from "./body-match.ts";
import { describeSocketError, quoted, timedOut } from "./detail.ts";
import type { HttpProbe, ProbeOptions, ProbeTarget, StatusRange } from "./probe.ts";

export const DEFAULT_EXPECT_STATUS: StatusRange = { min: 200, max: 399 };

/** Only this much of a body is read for `bodyMatch`; a health page is small. */
export const MAX_BODY_BYTES = 64 * 1024;

const asRange = (expect: number | StatusRange | undefined): StatusRange =>
  expect === undefined ? DEFAULT_EXPECT_STATUS : typeof expect === "number" ? { min: expect, max: expect } : expect;

const describeRange = ({ min, max }: StatusRange) => (min === max ? `${min}` : `${min}–${max}`);

/**
 * Healthy when `GET http://<address>:<port><path>` answers with an expected status (and a body
 * that matches, when asked) within the timeout. Redirects are not followed: a 3xx is a status.
 */
export function probeHttp(
  probe: HttpProbe,
  target: ProbeTarget,
  { timeoutMs, signal }: ProbeOptions,
): Promise<{ ok: boolean; detail: string }> {
  const expected = asRange(probe.expectStatus);
  let matcher: BodyMatcher | null = null;
  try {
    if (probe.bodyMatch !== undefined) matcher = parseBodyMatch(probe.bodyMatch);
  } catch (err) {
    return Promise.resolve({ ok: false, detail: `bodyMatch is not a valid regular expression: ${(err as Error).message}` });
  }
  const from = `from ${probe.path}`;

  return new Promise((resolve) => {
    let done = false;
    // No agent: a fresh connection per probe, closed when it is over, never kept alive.
    const req = request({
      host: target.address,
      port: target.port,
      path: probe.path,
      method: "GET",
      headers: { "User-Agent": "SkyPanel-HealthCheck", Accept: "*/*", ...probe.headers },
      agent: false,
    });
    const finish = (ok: boolean, detail: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      req.destroy();
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => finish(false, timedOut(timeoutMs)), timeoutMs);
    const onAbort = () => finish(false, "cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err) => finish(false, describeSocketError(err)));
    req.on("response", (res) => {
      res.on("error", (err) => finish(false, describeSocketError(err)));
      const status = res.statusCode ?? 0;
      if (status < expected.min || status > expected.max) {
        return finish(false, `HTTP ${status} ${from} (expected ${describeRange(expected)})`);
      }
      if (!matcher) return finish(true, `HTTP ${status} ${from}`);
      const wanted = matcher;
      const chunks: Buffer[] = [];
      let size = 0;
      const judge = (complete: boolean) => {
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
        if (bodyMatches(wanted, body)) return finish(true, `HTTP ${status} ${from}, body matched`);
        if (!complete) return finish(false, `body ${from} did not ${mismatch(wanted)} in its first ${MAX_BODY_BYTES / 1024} KiB`);
        finish(false, `body ${from} did not ${mismatch(wanted)}`);
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) judge(false);
      });
      res.on("end", () => judge(true));
    });
    req.end();
  });
}

const mismatch = (matcher: BodyMatcher) =>
  matcher.kind === "substring" ? `contain ${quoted(matcher.text)}` : `match ${quoted(String(matcher.regex))}`;
