// A bounded load for chaos cases: a fixed number of GETs through the router, each on a fresh
// connection, sent by a few workers with a fixed pause between requests. Every request is
// kept with its start, end and answer, so a case can count what failed and say when.
import { httpGet } from "@skypanel/engine/router-testing";

export interface Sent {
  startedAt: number;
  endedAt: number;
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  body: string;
}

export interface LoadOptions {
  port: number;
  host: string;
  /** Requests in all, shared by the workers. */
  count: number;
  workers: number;
  /** Each worker's pause after each answer. */
  pauseMs: number;
  /** Stops early once this is true (checked between requests); the count is then what was sent. */
  stop?: () => boolean;
}

export async function sendLoad(o: LoadOptions): Promise<Sent[]> {
  const sent: Sent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.count && !o.stop?.()) {
      next++;
      const startedAt = Date.now();
      const res = await httpGet({ port: o.port, host: o.host }).catch((err: Error) => ({ status: 0, body: err.message }));
      sent.push({ startedAt, endedAt: Date.now(), status: res.status, body: res.body });
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
  return sent.sort((a, b) => a.startedAt - b.startedAt);
}

/** Like sendLoad, until `stop()` is called; `done` resolves with what was sent (at most `count`). */
export function backgroundLoad(o: Omit<LoadOptions, "stop">) {
  let stopped = false;
  const done = sendLoad({ ...o, stop: () => stopped });
  return {
    done,
    async stop() {
      stopped = true;
      return done;
    },
  };
}

/** The `p` quantile (0..1) of the requests' durations, nearest rank. */
export function quantileMs(sent: Sent[], p: number): number {
  const ms = sent.map((s) => s.endedAt - s.startedAt).sort((a, b) => a - b);
  return ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)] ?? 0;
}

/** What a request that failed looked like, for an assertion's message. */
export const describeSent = (s: Sent, t0: number) => `${s.startedAt - t0}..${s.endedAt - t0} ms: ${s.status} ${s.body.slice(0, 80)}`;
