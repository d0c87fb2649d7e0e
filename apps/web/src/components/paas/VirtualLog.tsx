import { type CSSProperties, type HTMLAttributes, type KeyboardEvent, type ReactNode, useEffect } from "react";
import { List, type ListProps, type RowComponentProps, useListCallbackRef } from "react-window";
import { cx } from "../../lib/cx.ts";

const LOG_ROW_HEIGHT = 20;

/** One row of a log, as wide as its text: a long line scrolls sideways instead of wrapping. */
export function LogRowFrame({
  style,
  ariaAttributes,
  ...rest
}: Pick<RowComponentProps, "ariaAttributes"> & { style: CSSProperties } & HTMLAttributes<HTMLDivElement> & { "data-testid": string }) {
  return (
    <div {...ariaAttributes} {...rest} style={{ ...style, width: "auto", minWidth: "100%" }} className="whitespace-pre px-3 leading-5" />
  );
}

const SCROLL_UP_KEYS = new Set(["ArrowUp", "PageUp", "Home"]);

/**
 * A log's lines in a dark terminal box, virtualised (react-window): only the rows in view are in
 * the page, so a 100,000-line log scrolls as smoothly as a short one. While `follow` is on the
 * newest line stays in view; the reader scrolling up calls `onPause`. `empty` shows with no lines.
 */
export function VirtualLog<RowProps extends object>({
  label,
  count,
  rowComponent,
  rowProps,
  follow,
  onPause,
  empty,
  height = 480,
  className,
}: Pick<ListProps<RowProps>, "rowComponent" | "rowProps"> & {
  label: string;
  count: number;
  follow: boolean;
  onPause: () => void;
  empty: ReactNode;
  height?: number;
  className?: string;
}) {
  // A callback ref kept in state: the list's scrolling API is ready only after its element mounts, and the effect below reruns then.
  const [list, setList] = useListCallbackRef(null);
  // A short log gets a short box; a long one scrolls inside `height`.
  const boxHeight = Math.min(height, Math.max(count, 4) * LOG_ROW_HEIGHT);

  useEffect(() => {
    if (follow && count > 0) list?.scrollToRow({ index: count - 1, align: "end", behavior: "instant" });
  }, [follow, count, list]);

  const pause = () => {
    if (follow) onPause();
  };

  return (
    <div className={cx("overflow-hidden rounded-lg bg-slate-950 font-mono text-xs text-slate-200", className)}>
      {count === 0 ? (
        empty
      ) : (
        <List
          listRef={setList}
          rowComponent={rowComponent}
          rowCount={count}
          rowHeight={LOG_ROW_HEIGHT}
          rowProps={rowProps}
          overscanCount={20}
          defaultHeight={height}
          style={{ height: boxHeight, maxHeight: "70vh" }}
          aria-label={label}
          tabIndex={0}
          onWheel={(e) => e.deltaY < 0 && pause()}
          onTouchMove={pause}
          onKeyDown={(e: KeyboardEvent) => SCROLL_UP_KEYS.has(e.key) && pause()}
        />
      )}
    </div>
  );
}
