import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";

export type Trace = RouterOutputs["traces"]["build"];
export type TraceSpan = Trace["spans"][number];
export type TraceKind = Trace["subject"];

/** How often a running build's or deployment's waterfall is read again (its spans land as stages end). */
export const TRACE_REFETCH_MS = 2000;

/**
 * A build's or deployment's step waterfall. While it runs, it is read again every couple of
 * seconds; when `status` changes (it ended), once more, so the last span's end shows.
 */
export function useTrace(kind: TraceKind, app: string, id: string, status: string, live: boolean) {
  const trpc = useTRPC();
  const procedure = kind === "build" ? trpc.traces.build : trpc.traces.deployment;
  const query = useQuery({ ...procedure.queryOptions({ app, id }), refetchInterval: live ? TRACE_REFETCH_MS : false });
  const { refetch } = query;
  useEffect(() => {
    // The status is the trigger, not a value the effect reads.
    void status;
    void refetch();
  }, [status, refetch]);
  return query;
}
