import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { trackLogConnection } from "../lib/logConnection.ts";
import { useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { useAppDispatch, useAppSelector } from "../store/index.ts";
import { forgetBuildLogConnection, type LogConnection, setBuildLogConnection } from "../store/paasSlice.ts";
import { useLogBuffer } from "./useLogBuffer.ts";

export interface LogLine {
  n: number;
  text: string;
}

/**
 * A build's log. A running build is followed live (builds.follow over SSE): the link resumes
 * after the last line it saw when the connection drops, so no line is lost or repeated. A
 * finished build's log is read in one request. `live` is decided when the log is opened.
 */
export function useBuildLog(app: string, buildId: string, opts: { live: boolean; onFinished?: (status: string) => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const dispatch = useAppDispatch();
  const [live] = useState(opts.live);
  const onFinished = useRef(opts.onFinished);
  onFinished.current = opts.onFinished;

  const buffer = useLogBuffer<LogLine>();
  const { push, flush, clear } = buffer;
  const [error, setError] = useState<unknown>(null);

  const whole = useQuery({ ...trpc.builds.log.queryOptions({ app, id: buildId }), enabled: !live, staleTime: Number.POSITIVE_INFINITY });

  useEffect(() => {
    if (!live) return;
    clear();
    setError(null);
    const connection = trackLogConnection((c) => dispatch(setBuildLogConnection({ buildId, connection: c })));
    let last = 0;
    const subscription = client.builds.follow.subscribe(
      { app, id: buildId },
      {
        onStarted: connection.onStarted,
        onConnectionStateChange: connection.onConnectionStateChange,
        onData(event) {
          const data = event.data;
          if ("done" in data) {
            flush();
            if (connection.end("finished")) onFinished.current?.(data.done);
            return;
          }
          if (data.n <= last) return;
          last = data.n;
          push({ n: data.n, text: data.text });
        },
        onError(err) {
          if (!connection.end("disconnected")) return;
          flush();
          setError(err);
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      dispatch(forgetBuildLogConnection(buildId));
    };
  }, [live, client, dispatch, app, buildId, push, flush, clear]);

  const storedConnection = useAppSelector((s) => s.paas.buildLog.connections[buildId]);
  if (!live) {
    const all = whole.data?.lines ?? [];
    return {
      lines: all,
      count: all.length,
      connection: (whole.isPending ? "connecting" : whole.isError ? "disconnected" : "finished") as LogConnection,
      error: whole.error,
    };
  }
  return { lines: buffer.lines, count: buffer.count, connection: storedConnection ?? "connecting", error };
}
