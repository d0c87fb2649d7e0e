// One instance's health over time: probes on an interval, counts consecutive results, and
// changes status only when a threshold is crossed. The supervisor drives one per instance and
// stores each change in instances.health_status.
import type { HealthStatus } from "@skypanel/db";
import { type HealthProbe, type ProbeResult, type ProbeTarget, runProbe } from "./probe.ts";

export interface HealthCheckerOptions {
  probe: HealthProbe;
  target: ProbeTarget;
  /** Pause between the end of one probe and the start of the next. */
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes that make the instance healthy. */
  healthyThreshold: number;
  /** Consecutive counted failures that make it unhealthy. */
  unhealthyThreshold: number;
  /** From start(): failures do not count until this has passed or a probe has succeeded. */
  startPeriodMs?: number;
  /** Environment for a command probe (see ProbeOptions.env). */
  env?: Record<string, string>;
  /** Called once per transition, awaited before the next probe. */
  onChange: (status: HealthStatus, lastResult: ProbeResult) => void | Promise<void>;
  /** Called with every finished probe (not ones cut short by stop()), awaited like onChange. */
  onResult?: (result: ProbeResult, status: HealthStatus) => void | Promise<void>;
}

export interface HealthChecker {
  readonly status: HealthStatus;
  readonly lastResult: ProbeResult | null;
  /** Probes at once, then `intervalMs` after each probe ends. Calling it again does nothing. */
  start(): void;
  /** Cancels the pending and the running probe; resolves when its socket or command is gone. */
  stop(): Promise<void>;
  /** Probes now and counts the result; joins the running probe instead of starting a second one. */
  checkNow(): Promise<ProbeResult>;
}

export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  let status: HealthStatus = "unknown";
  let lastResult: ProbeResult | null = null;
  let successes = 0;
  let failures = 0;
  let running = false;
  let startedAt = 0;
  let startedUp = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<ProbeResult> | null = null;
  let cancel: AbortController | null = null;
  // Callbacks running; a stop() from inside one must not wait for the probe that called it.
  let notifying = 0;

  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const schedule = (delayMs: number) => {
    clearTimer();
    timer = setTimeout(() => {
      timer = null;
      // A failed callback is logged by record(); nothing else can reject here.
      void checkNow();
    }, delayMs);
  };

  async function record(result: ProbeResult) {
    lastResult = result;
    if (result.ok) {
      startedUp = true;
      successes++;
      failures = 0;
    } else if (startedUp || Date.now() - startedAt >= (options.startPeriodMs ?? 0)) {
      startedUp = true;
      failures++;
      successes = 0;
    }
    const next: HealthStatus =
      successes >= options.healthyThreshold ? "healthy" : failures >= options.unhealthyThreshold ? "unhealthy" : status;
    await notify("onResult", () => options.onResult?.(result, next));
    if (next === status) return;
    status = next;
    await notify("onChange", () => options.onChange(next, result));
  }

  async function notify(name: string, callback: () => void | Promise<void>) {
    notifying++;
    try {
      await callback();
    } catch (err) {
      // The caller's callback failing must not stop the instance from being watched.
      console.error(`[health] ${name} failed:`, err);
    } finally {
      notifying--;
    }
  }

  function checkNow(): Promise<ProbeResult> {
    if (inFlight) return inFlight;
    clearTimer();
    const controller = new AbortController();
    cancel = controller;
    inFlight = (async () => {
      try {
        const result = await runProbe(options.probe, options.target, {
          timeoutMs: options.timeoutMs,
          signal: controller.signal,
          env: options.env,
        });
        if (!controller.signal.aborted) await record(result);
        return result;
      } finally {
        inFlight = null;
        cancel = null;
        if (running) schedule(options.intervalMs);
      }
    })();
    return inFlight;
  }

  return {
    get status() {
      return status;
    },
    get lastResult() {
      return lastResult;
    },
    start() {
      if (running) return;
      running = true;
      startedAt = Date.now();
      startedUp = false;
      // A probe still finishing from before a stop() schedules the next one itself.
      if (!inFlight) schedule(0);
    },
    async stop() {
      running = false;
      clearTimer();
      cancel?.abort();
      if (notifying > 0) return;
      await inFlight?.catch(() => undefined);
    },
    checkNow,
  };
}
