import { useCallback, useEffect, useRef, useState } from "react";

// Lines arrive one event each; the view is redrawn at most this often, however fast they come.
const FLUSH_MS = 50;

/**
 * A live log's lines. They live in a ref array that only grows, and a `count` re-renders at most
 * every FLUSH_MS, so 100,000 lines are never copied per line. Past `limit` lines the oldest are
 * dropped, a batch per redraw (not one per line), and `dropped` says how many.
 */
export function useLogBuffer<T>(limit = Number.POSITIVE_INFINITY) {
  const lines = useRef<T[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const dropped = useRef(0);
  // One state for both, so a full buffer that drops as many as it gains still redraws.
  const [view, setView] = useState({ count: 0, dropped: 0 });

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const excess = lines.current.length - limit;
    if (excess > 0) {
      lines.current.splice(0, excess);
      dropped.current += excess;
    }
    setView({ count: lines.current.length, dropped: dropped.current });
  }, [limit]);

  const push = useCallback(
    (line: T) => {
      lines.current.push(line);
      timer.current ??= setTimeout(flush, FLUSH_MS);
    },
    [flush],
  );

  /** Starts again empty (a new stream); a new array, so views holding the old one redraw. */
  const clear = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    lines.current = [];
    dropped.current = 0;
    setView({ count: 0, dropped: 0 });
  }, []);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return { lines: lines.current, count: view.count, dropped: view.dropped, push, flush, clear };
}
