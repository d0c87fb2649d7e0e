import { type ReactNode, useMemo } from "react";
import type { RowComponentProps } from "react-window";
import { MAX_LOG_LINES } from "../../hooks/useAppLogs.ts";
import { cx } from "../../lib/cx.ts";
import type { LogLevel } from "../../store/logViewerSlice.ts";
import { AnsiText } from "./AnsiText.tsx";
import { type AppLogEntry, processLabel } from "./appLogs.ts";
import { LogRowFrame, VirtualLog } from "./VirtualLog.tsx";

// For the log's dark background (each at least 4.5:1 on slate-950, axe checks it); info keeps the terminal's default colour.
const LEVEL_CLASS: Record<LogLevel, string> = {
  error: "text-red-400 font-semibold",
  warn: "text-amber-300",
  info: "text-slate-200",
  debug: "text-slate-400",
};

const stamp = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hourCycle: "h23",
});

interface RowProps {
  lines: readonly AppLogEntry[];
  // `count` and `dropped` change when `lines` changes in place, so the visible rows redraw.
  count: number;
  dropped: number;
}

/** One runtime log line: when, which process and instance, the level in its colour, the text with its ANSI colours. */
function AppLogRow({ index, style, ariaAttributes, lines }: RowComponentProps<RowProps>) {
  const entry = lines[index];
  if (!entry) return null;
  return (
    <LogRowFrame style={style} ariaAttributes={ariaAttributes} data-testid="app-log-line" data-level={entry.level}>
      <time dateTime={entry.loggedAt.toISOString()} className="mr-3 inline-block w-40 select-none text-slate-400">
        {stamp.format(entry.loggedAt)}
      </time>
      <span
        data-testid="log-process"
        title={processLabel(entry)}
        className="mr-3 inline-block w-28 overflow-hidden text-ellipsis align-bottom text-cyan-300"
      >
        {processLabel(entry)}
      </span>
      <span data-testid="log-level" className={cx("mr-3 inline-block w-10", LEVEL_CLASS[entry.level])}>
        {entry.level}
      </span>
      <span data-testid="log-text">
        <AnsiText text={entry.line} />
      </span>
    </LogRowFrame>
  );
}

/**
 * An app's log lines, virtualised, with a note when the oldest were dropped to bound the page's
 * memory. `lines` grows in place; `count` and `dropped` say what it holds now.
 */
export function AppLogList({
  appName,
  lines,
  count,
  dropped,
  follow,
  onPause,
  empty,
}: RowProps & { appName: string; follow: boolean; onPause: () => void; empty: ReactNode }) {
  const rowProps = useMemo(() => ({ lines, count, dropped }), [lines, count, dropped]);
  return (
    <div className="space-y-2">
      {dropped > 0 && (
        <p className="text-sm text-slate-600" data-testid="log-dropped">
          Showing the newest {MAX_LOG_LINES.toLocaleString("en")} lines: {dropped.toLocaleString("en")} older{" "}
          {dropped === 1 ? "line was" : "lines were"} let go to keep this page fast.
        </p>
      )}
      <VirtualLog
        label={`Log lines of ${appName}`}
        count={count}
        rowComponent={AppLogRow}
        rowProps={rowProps}
        follow={follow}
        onPause={onPause}
        empty={empty}
      />
    </div>
  );
}
