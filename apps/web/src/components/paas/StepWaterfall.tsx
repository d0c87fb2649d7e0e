import type { ReactNode } from "react";
import { useNow } from "../../hooks/useNow.ts";
import { type TraceKind, useTrace } from "../../hooks/useTraces.ts";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { TraceWaterfall } from "./TraceWaterfall.tsx";

const WHAT: Record<TraceKind, string> = { build: "build", deployment: "deployment" };

/** A build's or deployment's timeline, from the spans the platform kept of it; live while it runs. */
export function StepWaterfall({
  kind,
  app,
  id,
  status,
  live,
}: {
  kind: TraceKind;
  app: string;
  id: string;
  status: string;
  live: boolean;
}) {
  const trace = useTrace(kind, app, id, status, live);
  const now = useNow(live);
  let body: ReactNode;
  if (trace.isPending) body = <LoadingBlock label="Loading the timeline…" rows={2} />;
  else if (trace.isError)
    body = <ErrorNotice title="The timeline could not be loaded." error={trace.error} onRetry={() => trace.refetch()} />;
  else if (trace.data.spans.length === 0)
    body = (
      <p className="text-sm text-slate-600" data-testid="trace-empty">
        {live
          ? "The timeline shows once the first step starts."
          : `No timeline was kept for this ${WHAT[kind]} (older than tracing, or past its retention).`}
      </p>
    );
  else body = <TraceWaterfall spans={trace.data.spans} label={`Timeline of the ${WHAT[kind]}`} now={now} live={live} />;
  return (
    <section aria-label="Timeline" data-testid={`${kind}-timeline`} className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-900">Timeline</h3>
      {body}
    </section>
  );
}
