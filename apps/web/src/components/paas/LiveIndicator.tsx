import { cx } from "../../lib/cx.ts";
import { useAppSelector } from "../../store/index.ts";
import type { LiveConnection } from "../../store/liveSlice.ts";

const SHOWN: Record<LiveConnection, { text: string; label: string; dot: string }> = {
  connecting: { text: "Connecting…", label: "Live updates: connecting", dot: "bg-slate-400" },
  live: { text: "Live", label: "Live updates: on; this page follows changes as they happen", dot: "bg-green-600" },
  reconnecting: { text: "Reconnecting…", label: "Live updates: connection lost, reconnecting", dot: "bg-amber-500" },
  disconnected: { text: "Not live", label: "Live updates: off; reload the page to see changes", dot: "bg-red-600" },
};

/** Whether the app's dashboard follows changes as they happen (useAppEvents' stream). */
export function LiveIndicator({ appId }: { appId: string }) {
  const connection = useAppSelector((s) => s.live.connections[appId]) ?? "connecting";
  const shown = SHOWN[connection];
  return (
    <span
      role="status"
      aria-label={shown.label}
      data-testid="live-indicator"
      data-state={connection}
      className="inline-flex items-center gap-1.5 text-xs font-medium text-slate-700"
    >
      <span aria-hidden="true" className={cx("size-2 rounded-full", shown.dot, connection === "live" && "motion-safe:animate-pulse")} />
      {shown.text}
    </span>
  );
}
