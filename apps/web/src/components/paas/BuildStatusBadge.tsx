import { cx } from "../../lib/cx.ts";

const STYLES: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-500/30",
  running: "bg-amber-100 text-amber-900 ring-amber-600/30",
  succeeded: "bg-green-100 text-green-800 ring-green-600/30",
  failed: "bg-red-100 text-red-800 ring-red-600/30",
  cancelled: "bg-slate-200 text-slate-800 ring-slate-500/30",
};

/** A build's status; a running build's dot pulses. */
export function BuildStatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="build-status"
      data-status={status}
      className={cx(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        STYLES[status] ?? STYLES.queued,
      )}
    >
      {status === "running" && <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-amber-600" />}
      <span className="sr-only">Build status: </span>
      {status}
    </span>
  );
}
