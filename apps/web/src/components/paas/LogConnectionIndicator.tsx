import { cx } from "../../lib/cx.ts";
import type { LogConnection } from "../../store/paasSlice.ts";

const CONNECTION: Record<LogConnection, { label: string; dot: string }> = {
  connecting: { label: "Connecting…", dot: "bg-slate-400 animate-pulse" },
  live: { label: "Live", dot: "bg-green-500 animate-pulse" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
  finished: { label: "Finished", dot: "bg-slate-500" },
  disconnected: { label: "Disconnected", dot: "bg-red-600" },
};

/** Where a log's live stream stands, announced politely to screen readers as it changes. */
export function LogConnectionIndicator({ connection }: { connection: LogConnection }) {
  const { label, dot } = CONNECTION[connection];
  return (
    <output
      data-testid="log-connection"
      data-state={connection}
      aria-live="polite"
      className="inline-flex items-center gap-1.5 text-sm text-slate-700"
    >
      <span aria-hidden="true" className={cx("size-2 rounded-full", dot)} />
      <span className="sr-only">Log stream: </span>
      {label}
    </output>
  );
}
