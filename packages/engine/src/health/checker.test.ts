import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HealthStatus } from "@skypanel/db";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHealthChecker, type HealthChecker, type HealthCheckerOptions } from "./checker.ts";
import type { ProbeResult } from "./probe.ts";
import { alive, startHttpServer, type TestHttpServer } from "./test-servers.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts timers made with the global setTimeout (as the checker and probes make theirs) that
 * have neither fired nor been cleared. Real timers, only watched: no fake time.
 */
function watchTimers() {
  const pending = new Set<unknown>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const set = vi.spyOn(globalThis, "setTimeout").mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const handle = realSet(() => {
      pending.delete(handle);
      callback(...args);
    }, ms);
    pending.add(handle);
    return handle;
  }) as unknown as typeof setTimeout);
  const clear = vi.spyOn(globalThis, "clearTimeout").mockImplementation((handle) => {
    pending.delete(handle);
    realClear(handle);
  });
  return {
    pending: () => pending.size,
    restore: () => {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

describe("health checker", () => {
  // The app under check: answers `status` after `delayMs` (never when null), counting requests and overlaps.
  let app: { status: number; delayMs: number | null; requests: number; active: number; peak: number };
  let server: TestHttpServer;
  let checker: HealthChecker | null = null;
  let changes: HealthStatus[];
  let results: ProbeResult[];

  beforeEach(async () => {
    // Each test's server counts into its own app, even for replies still pending after the test.
    const state = { status: 200, delayMs: 0 as number | null, requests: 0, active: 0, peak: 0 };
    app = state;
    server = await startHttpServer((req, res) => {
      state.requests++;
      state.active++;
      state.peak = Math.max(state.peak, state.active);
      req.socket.on("close", () => state.active--);
      if (state.delayMs === null) return;
      const status = state.status;
      setTimeout(() => {
        res.statusCode = status;
        res.end();
      }, state.delayMs);
    });
    changes = [];
    results = [];
  });
  afterEach(async () => {
    await checker?.stop();
    checker = null;
    await server.close();
  });

  const create = (options: Partial<HealthCheckerOptions> = {}) => {
    checker = createHealthChecker({
      probe: { kind: "http", path: "/health" },
      target: { address: "127.0.0.1", port: server.port },
      intervalMs: 20,
      timeoutMs: 1000,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      onChange: (status) => {
        changes.push(status);
      },
      onResult: (result) => {
        results.push(result);
      },
      ...options,
    });
    return checker;
  };
  const checkWith = async (c: HealthChecker, status: number) => {
    app.status = status;
    return c.checkNow();
  };

  it("becomes healthy after healthyThreshold successes and unhealthy after unhealthyThreshold failures", async () => {
    const c = create();
    expect(c.status).toBe("unknown");
    await checkWith(c, 200);
    expect(c.status).toBe("unknown");
    await checkWith(c, 200);
    expect(c.status).toBe("healthy");
    expect(changes).toEqual(["healthy"]);
    await checkWith(c, 503);
    await checkWith(c, 503);
    expect(c.status).toBe("healthy");
    await checkWith(c, 503);
    expect(c.status).toBe("unhealthy");
    expect(c.lastResult).toMatchObject({ ok: false, detail: "HTTP 503 from /health (expected 200–399)" });
    expect(changes).toEqual(["healthy", "unhealthy"]);
    expect(results).toHaveLength(5);
  });

  it("needs consecutive results: a blip does not flip a healthy instance, nor a lone success an unhealthy one", async () => {
    const c = create();
    for (const status of [200, 200, 500, 200, 500, 500, 200, 500, 500]) await checkWith(c, status);
    expect(c.status).toBe("healthy");
    expect(changes).toEqual(["healthy"]);
    for (const status of [500, 200, 500, 500, 500]) await checkWith(c, status);
    expect(c.status).toBe("unhealthy");
    await checkWith(c, 200);
    await checkWith(c, 500);
    await checkWith(c, 200);
    expect(c.status).toBe("unhealthy");
    expect(changes).toEqual(["healthy", "unhealthy"]);
  });

  it("probes on its interval and fires onChange exactly once per transition, with the result that crossed", async () => {
    const seen: [HealthStatus, ProbeResult][] = [];
    const c = create({ onChange: (status, result) => void seen.push([status, result]) });
    c.start();
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("healthy");
    await sleep(100);
    app.status = 502;
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("unhealthy");
    await sleep(100);
    app.status = 200;
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("healthy");
    await sleep(100);
    expect(seen.map(([status]) => status)).toEqual(["healthy", "unhealthy", "healthy"]);
    expect(seen[1]?.[1]).toMatchObject({ ok: false, detail: "HTTP 502 from /health (expected 200–399)" });
    expect(seen[2]?.[1]).toMatchObject({ ok: true });
    expect(results.length).toBeGreaterThan(2 + 3 + 2);
  });

  it("ignores failures during the start period, then counts them", async () => {
    app.status = 503;
    const started = Date.now();
    let unhealthyAt = 0;
    const c = create({
      startPeriodMs: 400,
      onChange: (status) => {
        changes.push(status);
        unhealthyAt = Date.now() - started;
      },
    });
    c.start();
    await sleep(300);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(c.status).toBe("unknown");
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("unhealthy");
    expect(changes).toEqual(["unhealthy"]);
    // Three counted failures, all after the period.
    expect(unhealthyAt).toBeGreaterThanOrEqual(400);
  });

  it("ends the start period at the first success", async () => {
    const c = create({ startPeriodMs: 60_000, healthyThreshold: 1 });
    c.start();
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("healthy");
    app.status = 500;
    await expect.poll(() => c.status, { timeout: 2000 }).toBe("unhealthy");
    expect(changes).toEqual(["healthy", "unhealthy"]);
  });

  it("never overlaps probes: a probe slower than the interval delays the next, and checkNow joins the running one", async () => {
    app.delayMs = 150;
    const c = create({ intervalMs: 10 });
    c.start();
    await expect.poll(() => app.active, { timeout: 1000 }).toBe(1);
    const joined = await Promise.all([c.checkNow(), c.checkNow(), c.checkNow()]);
    expect(new Set(joined).size).toBe(1);
    await sleep(600);
    expect(app.peak).toBe(1);
    // About one probe per 160 ms (150 ms answer + 10 ms pause) in the ~800 ms so far.
    expect(app.requests).toBeGreaterThanOrEqual(3);
    expect(app.requests).toBeLessThanOrEqual(6);
  });

  it("stop() cancels the running probe and leaves no timer or socket behind", async () => {
    const timers = watchTimers();
    try {
      app.delayMs = null;
      const c = create();
      c.start();
      await expect.poll(() => app.active, { timeout: 1000 }).toBe(1);
      expect(timers.pending()).toBe(1); // the probe's timeout
      await c.stop();
      expect(timers.pending()).toBe(0);
      // The app sees its end of the probe's connection closed: the checker's end is gone.
      await expect.poll(() => server.connections(), { timeout: 1000 }).toBe(0);
      const requests = app.requests;
      await sleep(150);
      expect(app.requests).toBe(requests);
      expect(results).toEqual([]);
      expect(c.status).toBe("unknown");
    } finally {
      timers.restore();
    }
  });

  it("stop() from inside onChange resolves (the supervisor stops its start-up checker that way)", async () => {
    let stopped = false;
    const c = create({
      healthyThreshold: 1,
      onChange: async () => {
        await c.stop();
        stopped = true;
      },
    });
    c.start();
    await expect.poll(() => stopped, { timeout: 2000 }).toBe(true);
    const requests = app.requests;
    await sleep(100);
    expect(app.requests).toBe(requests);
  });

  it("stop() between probes clears the pending one", async () => {
    const timers = watchTimers();
    try {
      const c = create({ intervalMs: 200 });
      c.start();
      await expect.poll(() => results.length, { timeout: 1000 }).toBe(1);
      expect(timers.pending()).toBe(1); // the next probe, 200 ms on
      await c.stop();
      expect(timers.pending()).toBe(0);
      await sleep(300);
      expect(app.requests).toBe(1);
    } finally {
      timers.restore();
    }
  });

  it("stop() kills a running command probe's process group", async () => {
    const dir = await mkdtemp(join(tmpdir(), "health-"));
    try {
      const pidFile = join(dir, "pid");
      const c = create({
        probe: { kind: "command", command: "sh", args: ["-c", `sleep 10 & echo $! > ${pidFile}; wait`] },
        timeoutMs: 10_000,
      });
      c.start();
      await expect.poll(() => readFile(pidFile, "utf8").then(Number, () => 0), { timeout: 1000 }).toBeGreaterThan(0);
      const pid = Number(await readFile(pidFile, "utf8"));
      expect(alive(pid)).toBe(true);
      const stopping = Date.now();
      await c.stop();
      expect(Date.now() - stopping).toBeLessThan(1000);
      await expect.poll(() => alive(pid), { timeout: 1000 }).toBe(false);
      expect(results).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps checking when onChange throws, and waits for an async onChange before the next probe", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      let inCallback = false;
      let probedDuringCallback = false;
      const c = create({
        healthyThreshold: 1,
        unhealthyThreshold: 1,
        onResult: () => {
          if (inCallback) probedDuringCallback = true;
        },
        onChange: async (status) => {
          changes.push(status);
          inCallback = true;
          await sleep(100);
          inCallback = false;
          throw new Error("database is down");
        },
      });
      c.start();
      await expect.poll(() => changes, { timeout: 2000 }).toEqual(["healthy"]);
      app.status = 500;
      await expect.poll(() => changes, { timeout: 2000 }).toEqual(["healthy", "unhealthy"]);
      await expect.poll(() => logged.mock.calls.length, { timeout: 1000 }).toBe(2);
      expect(probedDuringCallback).toBe(false);
      expect(logged).toHaveBeenCalledWith("[health] onChange failed:", expect.objectContaining({ message: "database is down" }));
    } finally {
      logged.mockRestore();
    }
  });
});
