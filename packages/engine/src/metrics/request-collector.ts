// Per-app request rate and response time, from Caddy's access log. Caddy 2.6's Prometheus metrics
// are per server, and in container modes each app sits behind one service address, so neither
// tells apps apart; the Host of each logged request does. Caddy writes the apps' server's access
// log to a file it rolls (router/caddy-config.ts says why a file); this collector follows it and,
// every interval, gives each routed app one metrics_snapshots row without an instance.
import type { Database } from "@skypanel/db";
import { insertRequestCounts } from "@skypanel/db/queries";
import { lineSplitter, parseAccessLine, type WafMatch } from "./access-log.ts";
import { tailFile } from "./file-tail.ts";
import { createRequestTally } from "./requests.ts";

export interface RequestCollectorOptions {
  db: Database;
  /** The access log file Caddy writes (RouterSettings.accessLogFile). */
  logPath: string;
  /** How often rows are written: the supervisor's sampling interval, so both charts line up. */
  intervalMs: number;
  /** Hostname → app name of the routes Caddy serves (router.routedHosts). */
  routedHosts: () => ReadonlyMap<string, string>;
  /** How often the file is read (default 250 ms). */
  pollMs?: number;
  maxSamples?: number;
  onError?: (error: unknown) => void;
  /**
   * Told of each request counted for an app, as its line is read (the Prometheus counters and
   * latency histogram); `durationMs` null: not timed (a WebSocket).
   */
  onRequest?: (appName: string, status: number, durationMs: number | null) => void;
  /** Told of each request the app's WAF matched rules on (blocked or only detected). */
  onWafMatch?: (appName: string, match: WafMatch, status: number) => void;
}

/** Lines read since start, and the ones that counted for no app. */
export interface RequestCollectorStats {
  lines: number;
  garbled: number;
  tooLong: number;
  unknownHost: number;
}

const WEBSOCKET_UPGRADE = 101;

export function createRequestCollector(o: RequestCollectorOptions) {
  const tally = createRequestTally({ maxSamples: o.maxSamples });
  const stats: RequestCollectorStats = { lines: 0, garbled: 0, tooLong: 0, unknownHost: 0 };
  let intervalStart = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;

  function onLine(line: string) {
    stats.lines++;
    const entry = parseAccessLine(line);
    if (!entry) {
      stats.garbled++;
      return;
    }
    const app = o.routedHosts().get(entry.host);
    if (!app) {
      stats.unknownHost++;
      return;
    }
    // A WebSocket's logged duration is the whole connection, not a response time.
    const durationMs = entry.status === WEBSOCKET_UPGRADE ? null : entry.durationMs;
    tally.record(app, durationMs, entry.status);
    o.onRequest?.(app, entry.status, durationMs);
    if (entry.waf) o.onWafMatch?.(app, entry.waf, entry.status);
  }

  const tail = tailFile({
    path: o.logPath,
    pollMs: o.pollMs,
    onError: o.onError,
    reader: () =>
      lineSplitter(onLine, () => {
        stats.lines++;
        stats.tooLong++;
      }),
  });

  /** Ends the interval: writes its rows. Writes run one after another, never two at once. */
  function collect(): Promise<void> {
    const now = Date.now();
    const intervalMs = Math.max(1, now - intervalStart);
    intervalStart = now;
    const rows = tally.drain(new Set(o.routedHosts().values())).map((r) => ({ ...r, intervalMs }));
    writing = writing.then(() => insertRequestCounts(o.db, rows)).catch((error) => o.onError?.(error));
    return writing;
  }

  return {
    collect,
    /** Reads what Caddy has written so far (the timer does this every pollMs). */
    read: () => tail.poll(),
    stats: (): RequestCollectorStats => ({ ...stats }),

    async start() {
      await tail.start();
      intervalStart = Date.now();
      timer = setInterval(
        () =>
          void tail
            .poll()
            .catch((err) => o.onError?.(err))
            .then(collect),
        o.intervalMs,
      );
      timer.unref();
    },

    /** Reads the rest of the log and writes what the last, partial interval counted. */
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await tail.stop();
      await collect();
    },
  };
}

export type RequestCollector = ReturnType<typeof createRequestCollector>;
