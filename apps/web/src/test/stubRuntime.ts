// Running apps in the stub tRPC server: releases, formation, deployments and instances, with rows
// typed by the BFF's own outputs so the stub cannot drift from the contract. Tests move a
// deployment along by changing its row in `state.runtime`, as the engine would.
import { TRPCError } from "@trpc/server";
import type { MetricsPoint, MetricsRange, RequestsPoint } from "../components/paas/metrics.ts";
import type { RouterOutputs } from "../lib/trpc.ts";
import type { StubBuild } from "./stubBuilds.ts";
import type { StubLogEntry } from "./stubLogs.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubRelease = RouterOutputs["releases"]["list"][number];
export type StubDeployment = RouterOutputs["deployments"]["list"][number];
export type StubInstance = RouterOutputs["deployments"]["instances"][number];
export type StubOneOff = RouterOutputs["oneOffs"]["list"][number];
export type StubFormation = RouterOutputs["formation"]["get"][number] & { appId: string };
type RuntimeMode = NonNullable<RouterOutputs["deployments"]["overview"]["runtimeMode"]>;
type Strategy = StubDeployment["strategy"];

export interface StubRuntime {
  /** How the platform runs apps; null plays a platform started without a runtime. */
  mode: RuntimeMode | null;
  /** False plays a runtime without Caddy in front: apps run but have no URL. */
  router: boolean;
  releases: StubRelease[];
  deployments: StubDeployment[];
  instances: StubInstance[];
  /** One-off processes by app name (`skypanel run`); absent: none. */
  oneOffs?: Record<string, StubOneOff[]>;
  formation: StubFormation[];
  /** Sampled metrics by app id, already bucketed; every range answers with them. */
  metrics: Record<string, MetricsPoint[]>;
  /** Request points by app id, likewise; absent: no requests. */
  requests?: Record<string, RequestsPoint[]>;
  /** Every app's runtime log lines, in id order. */
  logs: StubLogEntry[];
}

const AT = new Date("2025-01-02T03:04:05Z");
const uuid = (prefix: string, n: number) => `${prefix}${String(n).padStart(7, "0")}-0000-4000-8000-000000000000`;

export function stubRelease(appName: string, version: number, extra: Partial<StubRelease> = {}): StubRelease {
  return {
    id: uuid("r", version),
    appId: `id-${appName}`,
    version,
    buildId: null,
    configSnapshot: {},
    description: `Deploy build #${version}`,
    createdBy: "user-1",
    createdAt: AT,
    storePath: `/nix/store/${"a".repeat(32)}-${appName}-v${version}`,
    processes: { web: "node server.js" },
    releaseCommand: null,
    kind: "build",
    promotedFromReleaseId: null,
    ...extra,
  };
}

export function stubDeployment(appName: string, n: number, extra: Partial<StubDeployment> = {}): StubDeployment {
  return {
    id: uuid("d", n),
    appId: `id-${appName}`,
    releaseId: null,
    strategy: "rolling",
    status: "queued",
    steps: [],
    error: null,
    createdBy: "user-1",
    createdAt: AT,
    startedAt: null,
    finishedAt: null,
    previousReleaseId: null,
    options: {},
    durationMs: null,
    ...extra,
  };
}

export function stubInstance(appName: string, n: number, extra: Partial<StubInstance> = {}): StubInstance {
  return {
    id: uuid("i", n),
    appId: `id-${appName}`,
    releaseId: null,
    processType: "web",
    status: "running",
    healthStatus: "healthy",
    host: "127.0.0.1",
    port: 20000 + n,
    pid: 4000 + n,
    cpuPercent: null,
    memoryBytes: null,
    resourceUsage: {},
    restartCount: 0,
    lastHealthCheckAt: null,
    exitReason: null,
    runtimeMode: "nspawn",
    runtimeRef: null,
    healthDetail: null,
    createdAt: AT,
    startedAt: AT,
    stoppedAt: null,
    ...extra,
  };
}

export function stubFormation(appName: string, processType: string, quantity: number): StubFormation {
  return {
    appId: `id-${appName}`,
    processType,
    quantity,
    memoryMb: 512,
    cpuQuota: 1,
    maxProcs: 256,
    command: `${processType} command`,
    healthCheck: null,
  };
}

/** One bucket of metrics for an app of one instance, `minutesAgo` before 2025-01-02 03:04. */
export function stubMetricsPoint(minutesAgo: number, extra: Partial<MetricsPoint> = {}): MetricsPoint {
  return {
    t: AT.getTime() - minutesAgo * 60_000,
    cpuPercent: 12.5,
    memoryBytes: 256 * 1024 * 1024,
    netRxBytesPerSec: 2048,
    netTxBytesPerSec: 1024,
    instances: 1,
    ...extra,
  };
}

const BUCKET_SECONDS: Record<MetricsRange, number> = { "15m": 10, "1h": 30, "6h": 180, "24h": 600, "7d": 3600 };

interface AppAccess {
  find: (idOrName: string) => { id: string; name: string; currentReleaseId: string | null };
  writable: () => void;
  builds: () => StubBuild[];
}

/** The releases, formation and deployments routers, following apps/bff and the engine's rules and messages. */
export function runtimeRouters(proc: StubProcedure, rt: StubRuntime, apps: AppAccess) {
  const requireRuntime = () => {
    if (!rt.mode)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This platform runs no apps: it was started without a runtime." });
  };
  const formationOf = (appId: string) =>
    rt.formation
      .filter((f) => f.appId === appId)
      .sort((a, b) => a.processType.localeCompare(b.processType))
      .map(({ appId: _, ...row }) => row);
  /** A new deployment waits in the queue; tests play the engine by changing its row. */
  const enqueue = (app: { id: string; name: string }, strategy: Strategy | undefined, options: Record<string, unknown>) => {
    const n = rt.deployments.length + 1;
    const deployment = stubDeployment(app.name, n, { appId: app.id, strategy: strategy ?? "rolling", options, createdAt: new Date() });
    rt.deployments.push(deployment);
    return deployment;
  };

  return {
    metrics: t.router({
      // The range defaults to an hour, as the BFF's input does.
      series: proc("metrics.series").query(({ input: { app, range = "1h" } }) => ({
        range,
        bucketSeconds: BUCKET_SECONDS[range],
        points: rt.metrics[apps.find(app).id] ?? [],
        requests: rt.requests?.[apps.find(app).id] ?? [],
      })),
    }),
    releases: t.router({
      list: proc("releases.list").query(({ input }) => {
        const app = apps.find(input.app);
        return rt.releases.filter((r) => r.appId === app.id).sort((a, b) => b.version - a.version);
      }),
    }),
    formation: t.router({
      get: proc("formation.get").query(({ input }) => formationOf(apps.find(input.app).id)),
      scale: proc("formation.scale").mutation(({ input }) => {
        apps.writable();
        const app = apps.find(input.app);
        const rows = rt.formation.filter((f) => f.appId === app.id);
        const checked = Object.entries(input.changes).map(([processType, change]) => {
          const row = rows.find((f) => f.processType === processType);
          if (!row) {
            const names = rows.map((f) => f.processType).join(", ");
            throw new TRPCError({ code: "BAD_REQUEST", message: `${app.name} has no process type "${processType}"; it has ${names}.` });
          }
          const c = typeof change === "number" ? { quantity: change } : change;
          const refuse = (message: string) => new TRPCError({ code: "BAD_REQUEST", message: `${processType}: ${message}` });
          const { quantity, memoryMb, cpuQuota, maxProcs } = c;
          if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < 0 || quantity > 100)) {
            throw refuse("the number of instances is a whole number from 0 to 100.");
          }
          if (memoryMb !== undefined && (!Number.isInteger(memoryMb) || memoryMb < 16 || memoryMb > 65536))
            throw refuse("memory is 16 to 65536 MB.");
          if (cpuQuota !== undefined && (!(cpuQuota > 0) || cpuQuota > 64)) throw refuse("CPU is above 0 and at most 64 cores.");
          if (maxProcs !== undefined && (!Number.isInteger(maxProcs) || maxProcs < 8 || maxProcs > 65536))
            throw refuse("the process limit is 8 to 65536.");
          return { row, c };
        });
        for (const { row, c } of checked) Object.assign(row, c);
        return formationOf(app.id);
      }),
    }),
    deployments: t.router({
      overview: proc("deployments.overview").query(({ input }) => {
        const app = apps.find(input.app);
        return { url: rt.mode && rt.router ? `http://${app.name}.localhost:8080/` : null, runtimeMode: rt.mode };
      }),
      list: proc("deployments.list").query(({ input }) => {
        const app = apps.find(input.app);
        return rt.deployments.filter((d) => d.appId === app.id).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      }),
      instances: proc("deployments.instances").query(({ input }) => rt.instances.filter((i) => i.appId === apps.find(input.app).id)),
      create: proc("deployments.create").mutation(({ input }) => {
        requireRuntime();
        apps.writable();
        const app = apps.find(input.app);
        if (!apps.builds().some((b) => b.appId === app.id && b.id === input.buildId)) {
          throw new TRPCError({ code: "NOT_FOUND", message: `No build with id "${input.buildId}" on this app.` });
        }
        return enqueue(app, input.strategy, { buildId: input.buildId });
      }),
      restart: proc("deployments.restart").mutation(({ input }) => {
        requireRuntime();
        apps.writable();
        const app = apps.find(input.app);
        const current = app.currentReleaseId;
        if (!current)
          throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${app.name} has no release to restart; deploy it first.` });
        return enqueue(app, input.strategy, { releaseId: current, restart: true });
      }),
      rollback: proc("deployments.rollback").mutation(({ input }) => {
        requireRuntime();
        apps.writable();
        const app = apps.find(input.app);
        const mine = rt.releases.filter((r) => r.appId === app.id);
        const target = mine.find((r) => r.version === input.release);
        if (!target) throw new TRPCError({ code: "NOT_FOUND", message: `No release "${input.release}" on this app.` });
        const version = Math.max(...mine.map((r) => r.version)) + 1;
        const release = {
          ...target,
          id: uuid("r", version),
          version,
          kind: "rollback" as const,
          description: `Rollback to v${target.version}`,
        };
        rt.releases.push(release);
        return enqueue(app, input.strategy, { releaseId: release.id, rollback: true });
      }),
    }),
    oneOffs: t.router({
      list: proc("oneOffs.list").query(({ input }) => rt.oneOffs?.[apps.find(input.app).name] ?? []),
    }),
  };
}
