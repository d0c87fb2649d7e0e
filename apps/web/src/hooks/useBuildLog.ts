import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { useAppDispatch, useAppSelector } from "../store/index.ts";
import { forgetBuildLogConnection, type LogConnection, setBuildLogConnection } from "../store/paasSlice.ts";

export interface LogLine {
  n: number;
  text: string;
}

// Lines arrive one event each; the view is redrawn at most this often, however fast they come.
const FLUSH_MS = 50;

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

  // The lines live in a ref that only grows, and `count` re-renders: 100,000 lines are never copied per line.
  const lines = useRef<LogLine[]>([]);
  const [count, setCount] = useState(0);
  const [error, setError] = useState<unknown>(null);

  const whole = useQuery({ ...trpc.builds.log.queryOptions({ app, id: buildId }), enabled: !live, staleTime: Number.POSITIVE_INFINITY });

  useEffect(() => {
    if (!live) return;
    const set = (connection: LogConnection) => dispatch(setBuildLogConnection({ buildId, connection }));
    lines.current = [];
    setCount(0);
    setError(null);
    set("connecting");
    let connectedOnce = false;
    let finished = false;
    let last = 0;
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      setCount(lines.current.length);
    };
    const subscription = client.builds.follow.subscribe(
      { app, id: buildId },
      {
        onStarted() {
          connectedOnce = true;
          if (!finished) set("live");
        },
        onConnectionStateChange(state) {
          if (finished) return;
          if (state.state === "connecting") set(connectedOnce ? "reconnecting" : "connecting");
          else if (state.state === "pending" && connectedOnce) set("live");
        },
        onData(event) {
          const data = event.data;
          if ("done" in data) {
            finished = true;
            flush();
            set("finished");
            onFinished.current?.(data.done);
            return;
          }
          if (data.n <= last) return;
          last = data.n;
          lines.current.push({ n: data.n, text: data.text });
          flushTimer ??= setTimeout(flush, FLUSH_MS);
        },
        onError(err) {
          if (finished) return;
          flush();
          setError(err);
          set("disconnected");
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      if (flushTimer) clearTimeout(flushTimer);
      dispatch(forgetBuildLogConnection(buildId));
    };
  }, [live, client, dispatch, app, buildId]);

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
  return { lines: lines.current, count, connection: storedConnection ?? "connecting", error };
}
