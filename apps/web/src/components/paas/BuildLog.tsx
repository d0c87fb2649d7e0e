import { useMemo } from "react";
import type { RowComponentProps } from "react-window";
import type { LogLine } from "../../hooks/useBuildLog.ts";
import { downloadLog } from "../../lib/download.ts";
import { useAppDispatch, useAppSelector } from "../../store/index.ts";
import { type LogConnection, setBuildLogFollow } from "../../store/paasSlice.ts";
import { AnsiText } from "./AnsiText.tsx";
import { LogToolbar } from "./LogToolbar.tsx";
import { LogRowFrame, VirtualLog } from "./VirtualLog.tsx";

function LogRow({ index, style, ariaAttributes, lines }: RowComponentProps<{ lines: readonly LogLine[] }>) {
  const line = lines[index];
  if (!line) return null;
  return (
    <LogRowFrame style={style} ariaAttributes={ariaAttributes} data-testid="log-line">
      <span aria-hidden="true" className="mr-3 inline-block w-12 select-none text-right text-slate-400">
        {line.n}
      </span>
      <AnsiText text={line.text} />
    </LogRowFrame>
  );
}

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
  const rowProps = useMemo(() => ({ lines, count }), [lines, count]);

  return (
    <section aria-labelledby="build-log-title" data-testid="build-log" className="min-w-0">
      <LogToolbar
        title="Log"
        titleId="build-log-title"
        connection={connection}
        count={count}
        follow={follow}
        onFollowChange={(on) => dispatch(setBuildLogFollow(on))}
        downloadLabel="Download log"
        onDownload={() => downloadLog(downloadName, lines, count, (l) => l.text)}
      />
      <VirtualLog
        className="mt-2"
        label="Build log lines"
        count={count}
        rowComponent={LogRow}
        rowProps={rowProps}
        follow={follow}
        onPause={() => dispatch(setBuildLogFollow(false))}
        height={height}
        empty={
          <p className="px-3 py-4 text-slate-400" data-testid="log-empty">
            {connection === "finished" ? "This build wrote no log." : "Waiting for the first line…"}
          </p>
        }
      />
    </section>
  );
}
