import { useEffect, useRef, useState } from "react";
import { type AppLogEntry, followInput } from "../components/paas/appLogs.ts";
import { trackLogConnection } from "../lib/logConnection.ts";
import { useTRPCClient } from "../lib/trpc.ts";
import { useAppDispatch, useAppSelector } from "../store/index.ts";
import { forgetLogConnection, type LogFilters, setLogConnection } from "../store/logViewerSlice.ts";
import { useLogBuffer } from "./useLogBuffer.ts";

/** The browser keeps this many of the newest lines; a page holding every line of a chatty app for hours would not stay smooth. */
export const MAX_LOG_LINES = 200_000;

/**
 * An app's runtime log, followed live (logs.follow over SSE): the newest stored lines, then new
 * ones, with `filters` applied by the server. New filters start a new stream. After a dropped
 * connection the link resumes after the last line it saw, so none is lost or repeated; after a
 * failed one, `retry` resumes after it the same way.
 */
export function useAppLogs(app: { id: string; name: string }, filters: LogFilters) {
  const client = useTRPCClient();
  const dispatch = useAppDispatch();
  const buffer = useLogBuffer<AppLogEntry>(MAX_LOG_LINES);
  const { push, flush, clear } = buffer;
  // A failure belongs to the filters it happened with: new filters are a fresh start.
  const [failure, setFailure] = useState<{ error: unknown; filters: LogFilters } | null>(null);
  const failed = failure !== null && failure.filters === filters;
  // Where the stream for these filters got to, so a retry continues instead of starting over.
  const cursor = useRef<{ appId: string; filters: LogFilters | null; lastId: number }>({ appId: "", filters: null, lastId: 0 });

  useEffect(() => {
    if (failed) return;
    if (cursor.current.appId !== app.id || cursor.current.filters !== filters) {
      clear();
      cursor.current = { appId: app.id, filters, lastId: 0 };
    }
    const at = cursor.current;
    const connection = trackLogConnection((c) => dispatch(setLogConnection({ appId: app.id, connection: c })));
    const subscription = client.logs.follow.subscribe(
      { ...followInput(app.name, filters, new Date()), lastEventId: at.lastId ? String(at.lastId) : null },
      {
        onStarted: connection.onStarted,
        onConnectionStateChange: connection.onConnectionStateChange,
        onData({ data: batch }) {
          for (const entry of batch) {
            if (entry.id <= at.lastId) continue;
            at.lastId = entry.id;
            push(entry);
          }
        },
        onError(error) {
          if (!connection.end("disconnected")) return;
          flush();
          setFailure({ error, filters });
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      dispatch(forgetLogConnection(app.id));
    };
  }, [client, dispatch, app.id, app.name, filters, failed, push, flush, clear]);

  const stored = useAppSelector((s) => s.logViewer.connections[app.id]);
  return {
    lines: buffer.lines,
    count: buffer.count,
    dropped: buffer.dropped,
    connection: failed ? "disconnected" : (stored ?? "connecting"),
    error: failed ? failure.error : null,
    retry: () => setFailure(null),
  };
}
