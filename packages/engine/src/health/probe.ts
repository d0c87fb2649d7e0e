// What a health probe is, and running one. A probe never throws: whatever happens (refused,
// reset, timed out, bad status, a command that will not start) comes back as a failed result
// whose detail says it in words the app's owner can act on.
import { probeCommand } from "./command.ts";
import { probeHttp } from "./http.ts";
import { probeTcp } from "./tcp.ts";

/** Inclusive range of HTTP statuses that count as healthy. */
export interface StatusRange {
  min: number;
  max: number;
}

export interface HttpProbe {
  kind: "http";
  /** Starts with `/`; may carry a query string. */
  path: string;
  /** One status or a range; 200–399 when unset. */
  expectStatus?: number | StatusRange;
  /** A substring the body must contain, or `/regex/flags` it must match. */
  bodyMatch?: string;
  /** Extra request headers; `Host` replaces the default `<address>:<port>`. */
  headers?: Record<string, string>;
}

export interface TcpProbe {
  kind: "tcp";
}

export interface CommandProbe {
  kind: "command";
  command: string;
  args: string[];
}

export type HealthProbe = HttpProbe | TcpProbe | CommandProbe;

/** Where an instance listens. */
export interface ProbeTarget {
  address: string;
  port: number;
}

export interface ProbeResult {
  ok: boolean;
  durationMs: number;
  /** What happened, e.g. "HTTP 502 from /health" or "timed out after 2000 ms". */
  detail: string;
}

export interface ProbeOptions {
  timeoutMs: number;
  /** Aborting stops the probe at once (closes its socket, kills its command's process group). */
  signal?: AbortSignal;
  /**
   * Environment of a command probe, on top of PATH, HOST and PORT (the target). The platform's
   * own environment is never passed on: it holds secrets the app's command has no business seeing.
   */
  env?: Record<string, string>;
}

export async function runProbe(probe: HealthProbe, target: ProbeTarget, options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  let outcome: { ok: boolean; detail: string };
  try {
    if (options.signal?.aborted) outcome = { ok: false, detail: "cancelled" };
    else if (probe.kind === "http") outcome = await probeHttp(probe, target, options);
    else if (probe.kind === "tcp") outcome = await probeTcp(target, options);
    else outcome = await probeCommand(probe, target, options);
  } catch (err) {
    // Each kind reports its own failures; this is only the promise of "never throws" kept.
    outcome = { ok: false, detail: `probe failed: ${(err as Error).message}` };
  }
  return { ...outcome, durationMs: Math.round(performance.now() - started) };
}
