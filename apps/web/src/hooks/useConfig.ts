import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AppConfig = RouterOutputs["config"]["get"];
export type ConfigVar = AppConfig["vars"][number];

export function useConfig(idOrName: string) {
  const trpc = useTRPC();
  return useQuery(trpc.config.get.queryOptions({ app: idOrName }));
}

/** set and unset answer with the whole new config, which replaces the cached one at once. */
function useConfigMutationCallbacks(idOrName: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return {
    async onSuccess(config: AppConfig) {
      queryClient.setQueryData(trpc.config.get.queryKey({ app: idOrName }), config);
      // The overview shows the var count and the activity list shows the change.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.apps.get.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
      ]);
    },
    onError(error: unknown) {
      toast.error(errorMessage(error));
    },
    toast,
  };
}

export function useSetConfigVars(idOrName: string) {
  const trpc = useTRPC();
  const { toast, ...callbacks } = useConfigMutationCallbacks(idOrName);
  return useMutation(
    trpc.config.set.mutationOptions({
      ...callbacks,
      onSuccess: async (config, input) => {
        toast.success(`Saved ${Object.keys(input.vars).join(", ")}.`);
        await callbacks.onSuccess(config);
      },
    }),
  );
}

export function useUnsetConfigVars(idOrName: string) {
  const trpc = useTRPC();
  const { toast, ...callbacks } = useConfigMutationCallbacks(idOrName);
  return useMutation(
    trpc.config.unset.mutationOptions({
      ...callbacks,
      onSuccess: async (config, input) => {
        toast.success(`Removed ${input.keys.join(", ")}.`);
        await callbacks.onSuccess(config);
      },
    }),
  );
}
