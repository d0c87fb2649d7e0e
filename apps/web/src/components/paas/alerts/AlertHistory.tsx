import { useAlertHistory } from "../../../hooks/useAlerts.ts";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import type { AppDetail } from "../types.ts";

/** Firing and resolved alerts, newest first, and whether each channel took the notice. */
export function AlertHistory({ app }: { app: AppDetail }) {
  const history = useAlertHistory(app.name);
  if (history.isPending) return <LoadingBlock label="Loading the alert history…" rows={2} />;
  if (history.isError)
    return <ErrorNotice title="The alert history could not be loaded." error={history.error} onRetry={() => history.refetch()} />;
  if (history.data.length === 0) return <p className="text-sm text-slate-600">Nothing has fired yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Alert history, newest first</caption>
      <thead className="text-xs uppercase text-slate-600">
        <tr>
          <th scope="col" className="py-1 pr-3">
            When
          </th>
          <th scope="col" className="py-1 pr-3">
            State
          </th>
          <th scope="col" className="py-1 pr-3">
            What
          </th>
          <th scope="col" className="py-1">
            Notified
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {history.data.map((e) => (
          <tr key={e.id} data-testid="alert-event">
            <td className="whitespace-nowrap py-2 pr-3 text-slate-700">
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time>
            </td>
            <td className={e.state === "firing" ? "py-2 pr-3 font-semibold text-red-800" : "py-2 pr-3 text-emerald-800"}>
              {e.state === "firing" ? "Firing" : "Resolved"}
            </td>
            <td className="py-2 pr-3 text-slate-800">
              <span className="font-mono text-xs text-slate-500">{e.kind}</span> {e.message}
            </td>
            <td className="py-2 text-slate-700">
              {e.deliveries.length === 0
                ? "—"
                : e.deliveries.map((d) => (
                    <span key={d.channelId} className={d.ok ? "mr-2" : "mr-2 text-red-700"} title={d.error}>
                      {d.name}: {d.ok ? "delivered" : `failed (${d.error ?? "no answer"})`}
                    </span>
                  ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
