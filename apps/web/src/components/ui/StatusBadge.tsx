import { cx } from "../../lib/cx.ts";

const STYLES: Record<string, string> = {
  running: "bg-green-100 text-green-800 ring-green-600/30",
  building: "bg-amber-100 text-amber-900 ring-amber-600/30",
  deploying: "bg-sky-100 text-sky-900 ring-sky-600/30",
  crashed: "bg-red-100 text-red-800 ring-red-600/30",
  stopped: "bg-slate-200 text-slate-800 ring-slate-500/30",
  idle: "bg-slate-100 text-slate-700 ring-slate-500/30",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="app-status"
      className={cx(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        STYLES[status] ?? STYLES.idle,
      )}
    >
      <span className="sr-only">Status: </span>
      {status}
    </span>
  );
}
