import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../lib/trpc.ts";

/** The audit log's chain check: run on demand (it reads every row), never on page load. */
export function useAuditVerification() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.audit.verify.queryOptions(), enabled: false, retry: false });
}
