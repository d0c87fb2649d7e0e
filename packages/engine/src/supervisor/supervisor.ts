import type { Database, Release } from "@skypanel/db";
import { insertInstance, insertMetricsSnapshot, listLiveInstances, updateInstance } from "@skypanel/db/queries";
import { egressPolicyOf } from "../egress/index.ts";
import type { EventBus } from "../events/bus.ts";
import { createHealthChecker, type HealthCheckConfig, type HealthChecker } from "../health/index.ts";
import type { LogStore } from "../logs/index.ts";
import { freePort } from "../process/free-port.ts";
import { drainInstance, type Instance, type InstanceExit, type Runtime, type RuntimeMode } from "../runtime/index.ts";
import { isCrashLoop, restartDelayMs } from "./backoff.ts";

export type InstanceState = "starting" | "running" | "stopping" | "stopped" | "failed";

/** What one instance runs: an app's release, one process type, with the formation's limits. */
export interface InstancePlan {
  appId: string;
  appName: string;
  release: Pick<Release, "id" | "version" | "storePath" | "processes">;
  processType: string;
  env: Record<string, string>;
  limits: { memoryBytes: number; cpuQuota: number; maxProcs: number; ioWeight: number };
  /** The port the app listens on inside its instance ($PORT). */
  port: number;
  /** null: no health check (the instance counts as healthy once started). */
  health: HealthCheckConfig | null;
}

export interface Managed {
  id: string;
  plan: InstancePlan;
  state: InstanceState;
  health: "unknown" | "healthy" | "unhealthy";
  handle: Instance | null;
  address: string | null;
  port: number;
  /** Set when the supervisor itself wants it gone: no restart after it exits. */
  retiring: boolean;
  /** Healthy but kept out of rotation until a blue-green or canary step lets it in. */
  held: boolean;
  exits: number[];
  checker: HealthChecker | null;
  lastExit: InstanceExit | null;
  /** Why it failed, for the user: "crashed 5 times in a minute (exit code 1)", "never became healthy". */
  failure: string | null;
}

export interface SupervisorOptions {
  db: Database;
  runtime: Runtime;
  mode: RuntimeMode;
  logStore: LogStore;
  bus: EventBus;
  /**
   * Called whenever an instance enters or leaves rotation (the caller debounces); resolves once
   * the router has the new rotation, which a drain waits for.
   */
  onRotationChange: (appId: string) => void | Promise<void>;
  /** Milliseconds between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  usageIntervalMs?: number;
}

// While an instance starts, it is probed this often, so it takes traffic soon after it listens.
const STARTUP_PROBE_MS = 200;

/** A just-started (or just re-adopted) instance as the supervisor tracks it. */
function newManaged(id: string, plan: InstancePlan, fields: Partial<Pick<Managed, "address" | "port" | "held">> = {}): Managed {
  return {
    id,
    plan,
    state: "starting",
    health: "unknown",
    handle: null,
    address: null,
    port: plan.port,
    retiring: false,
    held: false,
    exits: [],
    checker: null,
    lastExit: null,
    failure: null,
    ...fields,
  };
}

/**
 * Keeps instances running: starts them in the runtime, captures their output into the log
 * store, checks their health, restarts them with backoff when they die (up to a crash loop),
 * and reports which are in rotation. The database row of each instance mirrors its state.
 */
export function createSupervisor(o: SupervisorOptions) {
  const managed = new Map<string, Managed>();
  let detached = false;
  const stopGraceMs = o.stopGraceMs ?? 10_000;
  let usageTimer: NodeJS.Timeout | null = null;

  const platformLog = (m: Managed, line: string, level: "info" | "warn" | "error" = "info") =>
    o.logStore.append({
      appId: m.plan.appId,
      instanceId: m.id,
      processType: m.plan.processType,
      source: "platform",
      stream: "system",
      level,
      line,
    });

  // Announced after the row is written, so a dashboard that refetches on the event reads the change.
  const announce = (m: Managed) =>
    o.bus.publish({ type: "instance.updated", appId: m.plan.appId, instanceId: m.id, status: m.state, health: m.health });

  async function setState(m: Managed, state: InstanceState, extra: Parameters<typeof updateInstance>[2] = {}) {
    const wasRouted = inRotation(m);
    m.state = state;
    await updateInstance(o.db, m.id, { status: state, ...extra });
    announce(m);
    if (wasRouted !== inRotation(m)) o.onRotationChange(m.plan.appId);
  }

  async function setHealth(m: Managed, health: Managed["health"], detail: string | null) {
    const wasRouted = inRotation(m);
    m.health = health;
    await updateInstance(o.db, m.id, { healthStatus: health, healthDetail: detail, lastHealthCheckAt: new Date() });
    announce(m);
    if (wasRouted !== inRotation(m)) o.onRotationChange(m.plan.appId);
  }

  function inRotation(m: Managed) {
    return m.plan.processType === "web" && m.state === "running" && m.health === "healthy" && !m.retiring && !m.held;
  }

  function captureOutput(m: Managed, handle: Instance) {
    const forward = (stream: "stdout" | "stderr") => (line: string) =>
      o.logStore.append({ appId: m.plan.appId, instanceId: m.id, processType: m.plan.processType, stream, line });
    handle.stdout.on("data", forward("stdout"));
    handle.stderr.on("data", forward("stderr"));
  }

  function watchHealth(m: Managed, handle: Instance) {
    const config = m.plan.health;
    if (!config) {
      void setHealth(m, "healthy", "no health check for this process type").then(() => setState(m, "running"));
      return;
    }
    const target = { address: handle.address, port: handle.port };
    const steady = () => {
      m.checker = createHealthChecker({
        ...config,
        target,
        startPeriodMs: 0,
        onChange: async (s, r) => {
          await setHealth(m, s, r.detail);
          if (s === "unhealthy" && !m.retiring) {
            platformLog(m, `instance is unhealthy (${r.detail}); taking it out of rotation and restarting it`, "warn");
            await handle.stop(stopGraceMs);
          }
        },
      });
      m.checker.start();
    };
    // Re-adopted while in rotation: it stays there, and the steady checks take it out if it
    // fails them. Starting over from "unknown" would route nothing until the first probe passed.
    if (m.state === "running" && m.health === "healthy") return steady();
    // Fast probes until the first success, then the configured rhythm.
    const startup = createHealthChecker({
      ...config,
      target,
      intervalMs: STARTUP_PROBE_MS,
      healthyThreshold: 1,
      startPeriodMs: Number.MAX_SAFE_INTEGER,
      onChange: async (status, result) => {
        if (status !== "healthy" || m.retiring) return;
        // Not awaited: stop() waits for the running probe, and this callback is part of it.
        void startup.stop();
        await setHealth(m, "healthy", result.detail);
        await setState(m, "running");
        platformLog(m, `instance is healthy (${result.detail})`);
        steady();
      },
    });
    m.checker = startup;
    startup.start();
  }

  async function launch(m: Managed) {
    const p = m.plan;
    const command = p.release.processes[p.processType];
    if (!command || !p.release.storePath) throw new Error(`release v${p.release.version} has no ${p.processType} process`);
    m.port = o.mode === "process" ? await freePort() : p.port;
    await setState(m, "starting", { startedAt: new Date(), stoppedAt: null, exitReason: null });
    const handle = await o.runtime.startInstance({
      instanceId: m.id,
      appName: p.appName,
      processType: p.processType,
      command,
      artifactPath: p.release.storePath,
      env: p.env,
      port: m.port,
      limits: p.limits,
      mode: o.mode,
      egress: await egressPolicyOf(o.db, p.appId),
    });
    attach(m, handle);
  }

  function attach(m: Managed, handle: Instance) {
    m.handle = handle;
    m.address = handle.address;
    m.port = handle.port;
    void updateInstance(o.db, m.id, {
      host: handle.address,
      port: handle.port,
      pid: handle.pid,
      runtimeMode: handle.mode,
      runtimeRef: m.id,
    });
    captureOutput(m, handle);
    watchHealth(m, handle);
    void handle.wait().then((exit) => onExit(m, exit));
  }

  async function onExit(m: Managed, exit: InstanceExit) {
    m.lastExit = exit;
    m.handle = null;
    await m.checker?.stop();
    m.checker = null;
    const why =
      exit.reason === "oom-killed" ? "killed for using more memory than its limit" : `exited with code ${exit.code ?? exit.signal ?? "?"}`;
    if (m.retiring) {
      await setState(m, "stopped", { stoppedAt: new Date(), exitReason: exit.reason });
      managed.delete(m.id);
      return;
    }
    // Detached: another control plane owns the instance now (or will at its start); no restart.
    if (detached) return;
    const now = Date.now();
    m.exits.push(now);
    platformLog(m, `instance ${why}`, exit.reason === "oom-killed" ? "error" : "warn");
    await setHealth(m, "unknown", why);
    if (isCrashLoop(m.exits, now)) {
      m.failure = `crashed ${m.exits.length} times within a minute; last time it ${why}`;
      platformLog(m, `crash loop: ${m.failure}; not restarting it`, "error");
      await setState(m, "failed", { stoppedAt: new Date(), exitReason: `crash loop: ${why}` });
      return;
    }
    const delay = restartDelayMs(m.exits.filter((t) => now - t <= 60_000).length);
    await setState(m, "starting", { exitReason: why, restartCount: m.exits.length });
    setTimeout(() => {
      if (m.retiring) return void setState(m, "stopped", { stoppedAt: new Date() });
      launch(m).catch(async (err: Error) => {
        m.failure = err.message;
        platformLog(m, `could not restart: ${err.message}`, "error");
        await setState(m, "failed", { exitReason: err.message });
      });
    }, delay).unref();
  }

  async function readUsage() {
    const sampled = new Set<string>();
    for (const m of managed.values()) {
      const u = m.handle?.usage();
      if (!u) continue;
      sampled.add(m.plan.appId);
      const values = {
        cpuPercent: u.cpu.percent,
        memoryBytes: u.memory.currentBytes,
        resourceUsage: u as unknown as Record<string, unknown>,
      };
      await updateInstance(o.db, m.id, values).catch(() => {});
      await insertMetricsSnapshot(o.db, {
        appId: m.plan.appId,
        instanceId: m.id,
        processType: m.plan.processType,
        cpuPercent: u.cpu.percent,
        memoryBytes: u.memory.currentBytes,
        netRxBytes: u.network?.rxBytes ?? null,
        netTxBytes: u.network?.txBytes ?? null,
      }).catch(() => {});
    }
    // One tick per app once all its instances are written: its charts and CPU columns refetch once.
    const sampledAt = new Date();
    for (const appId of sampled) o.bus.publish({ type: "metrics.tick", appId, sampledAt });
  }

  return {
    managed,

    /** Starts one instance of `plan`; resolves once it is launched (not yet healthy). */
    async start(plan: InstancePlan, options: { held?: boolean } = {}): Promise<Managed> {
      const row = await insertInstance(o.db, {
        appId: plan.appId,
        releaseId: plan.release.id,
        processType: plan.processType,
        status: "starting",
        healthStatus: "unknown",
      });
      const m = newManaged(row.id, plan, { held: options.held ?? false });
      managed.set(m.id, m);
      try {
        await launch(m);
      } catch (err) {
        m.failure = (err as Error).message;
        await setState(m, "failed", { exitReason: m.failure });
        throw err;
      }
      return m;
    },

    /** Takes an instance out of rotation, lets its connections drain, then stops it. */
    async stop(id: string, options: { drainMs?: number } = {}) {
      const m = managed.get(id);
      if (!m) return;
      const wasRouted = inRotation(m);
      m.retiring = true;
      await setState(m, "stopping");
      if (wasRouted) {
        // Caddy stops sending it new requests first; then the ones it has get drainMs to finish.
        await o.onRotationChange(m.plan.appId);
        // During the drain its idle kept-alive connections are closed, so Caddy's next request
        // goes to an instance in rotation now rather than after the drain (runtime/idle-connections.ts).
        if (options.drainMs) await drainInstance(m.handle, options.drainMs);
      }
      await m.checker?.stop();
      if (m.handle) await m.handle.stop(stopGraceMs);
      else {
        await setState(m, "stopped", { stoppedAt: new Date() });
        managed.delete(id);
      }
    },

    /** Resolves when the instance is healthy, or rejects with why it is not after `timeoutMs`. */
    async waitHealthy(id: string, timeoutMs: number): Promise<void> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = managed.get(id);
        if (!m) throw new Error("the instance is gone");
        if (m.state === "running" && m.health === "healthy") return;
        if (m.state === "failed") throw new Error(m.failure ?? "the instance failed");
        if (Date.now() > until) {
          const last = m.checker?.lastResult?.detail;
          const crashes = m.exits.length
            ? `; it exited ${m.exits.length} time(s), last ${m.lastExit?.reason} (code ${m.lastExit?.code})`
            : "";
          throw new Error(
            `did not become healthy within ${Math.round(timeoutMs / 1000)} s${last ? ` (last check: ${last})` : ""}${crashes}; does it listen on $PORT (${m.port})?`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    /** Lets held instances into rotation together (one route change for the whole set); resolves once routed. */
    async release(ids: string[]) {
      const apps = new Set<string>();
      for (const id of ids) {
        const m = managed.get(id);
        if (m?.held) {
          m.held = false;
          apps.add(m.plan.appId);
        }
      }
      for (const appId of apps) await o.onRotationChange(appId);
    },

    /**
     * Runs a one-off process of a release (its release command) to its end: output to the log,
     * and its exit returned. Never restarted.
     */
    async runOnce(plan: InstancePlan, command: string, timeoutMs: number): Promise<InstanceExit> {
      const id = crypto.randomUUID();
      const handle = await o.runtime.startInstance({
        instanceId: id,
        appName: plan.appName,
        processType: "release",
        command,
        artifactPath: plan.release.storePath ?? "",
        env: plan.env,
        port: o.mode === "process" ? await freePort() : plan.port,
        limits: plan.limits,
        mode: o.mode,
        egress: await egressPolicyOf(o.db, plan.appId),
      });
      const forward = (stream: "stdout" | "stderr") => (line: string) =>
        o.logStore.append({ appId: plan.appId, processType: "release", stream, line });
      handle.stdout.on("data", forward("stdout"));
      handle.stderr.on("data", forward("stderr"));
      const timer = setTimeout(() => void handle.stop(stopGraceMs), timeoutMs);
      try {
        return await handle.wait();
      } finally {
        clearTimeout(timer);
      }
    },

    /** The web instances that take traffic, per app. */
    rotation(appId: string): Managed[] {
      return [...managed.values()].filter((m) => m.plan.appId === appId && inRotation(m));
    },

    forApp(appId: string): Managed[] {
      return [...managed.values()].filter((m) => m.plan.appId === appId);
    },

    /**
     * After a control-plane restart: picks up the instances still running, matching them to
     * their rows; rows without a live instance are marked failed, live instances without a row
     * are stopped. `planFor` rebuilds an instance's plan from its row.
     */
    async readopt(planFor: (row: Awaited<ReturnType<typeof listLiveInstances>>[number]) => Promise<InstancePlan | null>) {
      const live = new Map((await o.runtime.findRunningInstances()).map((h) => [h.instanceId, h]));
      for (const row of await listLiveInstances(o.db)) {
        const handle = live.get(row.id);
        live.delete(row.id);
        const plan = handle ? await planFor(row) : null;
        if (!handle || !plan) {
          if (handle) await handle.stop(stopGraceMs);
          await updateInstance(o.db, row.id, {
            status: "failed",
            exitReason: "lost when the control plane restarted",
            stoppedAt: new Date(),
          });
          o.bus.publish({ type: "instance.updated", appId: row.appId, instanceId: row.id, status: "failed", health: row.healthStatus });
          continue;
        }
        const m = newManaged(row.id, plan, { address: handle.address, port: handle.port });
        // What the row says it was when the last control plane let go: a web instance that was
        // serving keeps serving through the restart.
        if (row.status === "running" && row.healthStatus === "healthy") {
          m.state = "running";
          m.health = "healthy";
        }
        managed.set(m.id, m);
        attach(m, handle);
      }
      // Running instances nobody knows about: stop them rather than let them run unmanaged.
      for (const handle of live.values()) await handle.stop(stopGraceMs);
    },

    startUsageReadings() {
      usageTimer ??= setInterval(() => void readUsage(), o.usageIntervalMs ?? 10_000);
      usageTimer.unref();
    },

    /** Stops watching (health checks, readings) but leaves instances running, for a restart. */
    async detach() {
      detached = true;
      if (usageTimer) clearInterval(usageTimer);
      usageTimer = null;
      for (const m of managed.values()) await m.checker?.stop();
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
