import { type KeyboardEvent, useEffect, useMemo } from "react";
import { List, type RowComponentProps, useListCallbackRef } from "react-window";
import type { LogLine } from "../../hooks/useBuildLog.ts";
import { stripAnsi } from "../../lib/ansi.ts";
import { cx } from "../../lib/cx.ts";
import { useAppDispatch, useAppSelector } from "../../store/index.ts";
import { type LogConnection, setBuildLogFollow } from "../../store/paasSlice.ts";
import { Button } from "../ui/Button.tsx";
import { AnsiText } from "./AnsiText.tsx";

export const LOG_ROW_HEIGHT = 20;

const CONNECTION: Record<LogConnection, { label: string; dot: string }> = {
  connecting: { label: "Connecting…", dot: "bg-slate-400 animate-pulse" },
  live: { label: "Live", dot: "bg-green-500 animate-pulse" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
  finished: { label: "Finished", dot: "bg-slate-500" },
  disconnected: { label: "Disconnected", dot: "bg-red-600" },
};

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

function LogRow({ index, style, ariaAttributes, lines }: RowComponentProps<{ lines: readonly LogLine[] }>) {
  const line = lines[index];
  if (!line) return null;
  // Rows are as wide as their text, so a long line scrolls sideways instead of wrapping.
  return (
    <div
      {...ariaAttributes}
      style={{ ...style, width: "auto", minWidth: "100%" }}
      data-testid="log-line"
      className="whitespace-pre px-3 leading-5"
    >
      <span aria-hidden="true" className="mr-3 inline-block w-12 select-none text-right text-slate-400">
        {line.n}
      </span>
      <AnsiText text={line.text} />
    </div>
  );
}

function download(name: string, lines: readonly LogLine[], count: number) {
  const text = `${lines
    .slice(0, count)
    .map((l) => stripAnsi(l.text))
    .join("\n")}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const SCROLL_UP_KEYS = new Set(["ArrowUp", "PageUp", "Home"]);

/**
 * A build log: virtualised (react-window), so a 100,000-line log scrolls as smoothly as a short
 * one. With "Follow new lines" on, the newest line stays in view; scrolling up pauses it.
 */
export function BuildLog({
  lines,
  count = lines.length,
  connection,
  downloadName,
  height = 480,
}: {
  lines: readonly LogLine[];
  /** How many of `lines` to show (the live log grows one array in place). */
  count?: number;
  connection: LogConnection;
  downloadName: string;
  height?: number;
}) {
  const dispatch = useAppDispatch();
  const follow = useAppSelector((s) => s.paas.buildLog.follow);
  // A callback ref kept in state: the list's scrolling API is ready only after its element mounts, and the effect below reruns then.
  const [list, setList] = useListCallbackRef(null);
  const rowProps = useMemo(() => ({ lines, count }), [lines, count]);
  // A short log gets a short box; a long one scrolls inside `height`.
  const boxHeight = Math.min(height, Math.max(count, 4) * LOG_ROW_HEIGHT);

  useEffect(() => {
    if (follow && count > 0) list?.scrollToRow({ index: count - 1, align: "end", behavior: "instant" });
  }, [follow, count, list]);

  const pause = () => {
    if (follow) dispatch(setBuildLogFollow(false));
  };

  return (
    <section aria-labelledby="build-log-title" data-testid="build-log" className="min-w-0">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h2 id="build-log-title" className="text-base font-semibold">
          Log
        </h2>
        <LogConnectionIndicator connection={connection} />
        <span className="text-sm text-slate-600" data-testid="log-line-count">
          {count === 1 ? "1 line" : `${count.toLocaleString("en")} lines`}
        </span>
        <div className="ml-auto flex flex-wrap gap-2">
          <Button aria-pressed={follow} onClick={() => dispatch(setBuildLogFollow(!follow))}>
            <span aria-hidden="true" className={cx("size-2 rounded-full", follow ? "bg-indigo-600" : "bg-slate-300")} />
            Follow new lines
          </Button>
          <Button disabled={count === 0} onClick={() => download(downloadName, lines, count)}>
            Download log
          </Button>
        </div>
      </div>
      <div className="mt-2 overflow-hidden rounded-lg bg-slate-950 font-mono text-xs text-slate-200">
        {count === 0 ? (
          <p className="px-3 py-4 text-slate-400" data-testid="log-empty">
            {connection === "finished" ? "This build wrote no log." : "Waiting for the first line…"}
          </p>
        ) : (
          <List
            listRef={setList}
            rowComponent={LogRow}
            rowCount={count}
            rowHeight={LOG_ROW_HEIGHT}
            rowProps={rowProps}
            overscanCount={20}
            defaultHeight={height}
            style={{ height: boxHeight, maxHeight: "70vh" }}
            aria-label="Build log lines"
            tabIndex={0}
            onWheel={(e) => e.deltaY < 0 && pause()}
            onTouchMove={pause}
            onKeyDown={(e: KeyboardEvent) => SCROLL_UP_KEYS.has(e.key) && pause()}
          />
        )}
      </div>
    </section>
  );
}
