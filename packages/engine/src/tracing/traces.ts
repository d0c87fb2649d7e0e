import type { TraceAttributes, TraceSpanRow, TraceSpanStatus, TraceSubject } from "@skypanel/db";
import type { Actor } from "../actor.ts";
import type { Builds } from "../builds/index.ts";
import type { Deployments } from "../deploy/index.ts";
import type { Tracing } from "./tracing.ts";

/** One span as the dashboard's waterfall draws it. */
export interface TraceSpanView {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startedAt: Date;
  endedAt: Date | null;
  /** Null while the span runs. */
  durationMs: number | null;
  status: TraceSpanStatus;
  statusMessage: string | null;
  attributes: TraceAttributes;
}

/** A build's or deployment's step waterfall: its latest trace (a restarted build has several). */
export interface TraceView {
  subject: TraceSubject;
  subjectId: string;
  /** Null when no span was kept (an older build, or spans past their retention). */
  traceId: string | null;
  spans: TraceSpanView[];
}

/** The latest run's spans: a build run again after a control-plane restart starts a new trace. */
export function latestTrace(subject: TraceSubject, subjectId: string, rows: TraceSpanRow[]): TraceView {
  const roots = rows.filter((r) => r.parentSpanId === null);
  const latest = (roots.length > 0 ? roots : rows).reduce<TraceSpanRow | null>(
    (last, r) => (!last || r.startedAt.getTime() >= last.startedAt.getTime() ? r : last),
    null,
  );
  const traceId = latest?.traceId ?? null;
  return {
    subject,
    subjectId,
    traceId,
    spans: rows
      .filter((r) => r.traceId === traceId)
      .map((r) => ({
        spanId: r.spanId,
        parentSpanId: r.parentSpanId,
        name: r.name,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        durationMs: r.endedAt ? Math.max(0, r.endedAt.getTime() - r.startedAt.getTime()) : null,
        status: r.status,
        statusMessage: r.statusMessage,
        attributes: r.attributes,
      })),
  };
}

/** Reading a waterfall needs read access to the app, checked by the build's or deployment's own lookup. */
export function createTraces(tracing: Tracing, builds: Pick<Builds, "get">, deployments: Pick<Deployments, "get">) {
  return {
    async forBuild(actor: Actor, app: string, buildId: string): Promise<TraceView> {
      const build = await builds.get(actor, app, buildId);
      return latestTrace("build", build.id, await tracing.spans("build", build.id));
    },
    async forDeployment(actor: Actor, app: string, deploymentId: string): Promise<TraceView> {
      const dep = await deployments.get(actor, app, deploymentId);
      return latestTrace("deployment", dep.id, await tracing.spans("deployment", dep.id));
    },
  };
}

export type Traces = ReturnType<typeof createTraces>;
