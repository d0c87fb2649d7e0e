import { useAutoscaleEvents } from "../../../hooks/useAutoscale.ts";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";

const KIND: Record<string, string> = {
  scale_up: "Scaled up",
  scale_down: "Scaled down",
  at_max: "At its maximum",
  stale: "Metric stale",
  no_data: "No metric",
};

/** The autoscaler's latest decisions and notices, each with its reason. */
export function AutoscaleDecisions({ app }: { app: string }) {
  const events = useAutoscaleEvents(app);
  return (
    <section aria-label="Recent autoscaling decisions" className="space-y-2">
      <h3 className="text-sm font-medium text-slate-800">Recent decisions</h3>
      {events.isPending ? (
        <LoadingBlock label="Loading decisions…" rows={1} />
      ) : events.isError ? (
        <ErrorNotice error={events.error} onRetry={() => events.refetch()} />
      ) : events.data.length === 0 ? (
        <p className="text-sm text-slate-500">No decision yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {events.data.map((e) => (
            <li key={e.id} className="py-2">
              <p className="text-slate-900">
                <span className="font-medium">{KIND[e.kind] ?? e.kind}</span> {e.processType}
                {e.fromQuantity !== e.toQuantity && ` ${e.fromQuantity} → ${e.toQuantity}`}
              </p>
              <p className="text-slate-600">{e.reason}</p>
              <p className="text-xs text-slate-500">{e.at.toLocaleString()}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
