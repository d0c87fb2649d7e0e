import { useQuery } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { SAFETY_REFETCH_MS } from "./useAppEvents.ts";

export type OneOff = RouterOutputs["oneOffs"]["list"][number];

/** The app's newest one-off processes (`skypanel run`); one-off.updated events refresh them (useAppEvents). */
export function useOneOffs(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.oneOffs.list.queryOptions({ app, limit: 20 }), refetchInterval: SAFETY_REFETCH_MS });
}
