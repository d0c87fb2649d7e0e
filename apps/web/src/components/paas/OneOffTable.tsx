import { type OneOff, useOneOffs } from "../../hooks/useOneOffs.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { TD, TH } from "./tableStyles.ts";

const STATUS_TEXT: Record<OneOff["status"], string> = {
  starting: "waiting to be attached",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  stopped: "stopped",
  timed_out: "timed out",
};

/** How it ended, or that it runs: "exit 3", "running (attached)". */
function outcome(o: OneOff) {
  if (o.status === "running" || o.status === "starting") return `${STATUS_TEXT[o.status]}${o.attach ? " (attached)" : ""}`;
  return o.exitCode === null ? (o.exitReason ?? STATUS_TEXT[o.status]) : `${STATUS_TEXT[o.status]}, exit ${o.exitCode}`;
}

/** The app's recent one-off processes: what ran, who is running, and how each ended. */
export function OneOffTable({ app }: { app: string }) {
  const oneOffs = useOneOffs(app);
  if (oneOffs.isPending) return <LoadingBlock label="Loading the one-off processes…" rows={1} />;
  if (oneOffs.isError)
    return <ErrorNotice title="The one-off processes could not be loaded." error={oneOffs.error} onRetry={() => oneOffs.refetch()} />;
  if (oneOffs.data.length === 0)
    return (
      <p className="text-slate-600" data-testid="one-offs-empty">
        None yet. Run one with <code className="rounded bg-slate-100 px-1">skypanel run -a {app} -- bash</code>.
      </p>
    );
  return (
    <section
      aria-label="One-off processes"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus, or keyboard users cannot scroll it.
      tabIndex={0}
      className="relative overflow-x-auto rounded-md border border-slate-200 focus-visible:ring-2 focus-visible:ring-indigo-600"
    >
      <table className="w-full text-sm" data-testid="one-off-table">
        <thead className="bg-slate-50">
          <tr>
            <th className={TH}>Name</th>
            <th className={TH}>Command</th>
            <th className={TH}>Status</th>
            <th className={TH}>Started</th>
          </tr>
        </thead>
        <tbody>
          {oneOffs.data.map((o) => (
            <tr key={o.id} className="border-t border-slate-100" data-testid="one-off-row">
              <td className={`${TD} font-mono`}>{o.name}</td>
              <td className={`${TD} max-w-xs break-all font-mono`}>{o.command}</td>
              <td className={TD}>{outcome(o)}</td>
              <td className={TD}>
                <time dateTime={o.createdAt.toISOString()} title={formatDateTime(o.createdAt)}>
                  {formatRelative(o.createdAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
