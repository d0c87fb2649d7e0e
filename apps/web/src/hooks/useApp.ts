import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

/** One app with its releases, deployments, instances and domains; `idOrName` is what the URL holds. */
export function useApp(idOrName: string) {
  const trpc = useTRPC();
  return useQuery(trpc.apps.get.queryOptions({ app: idOrName }));
}

export function useAppActivity(idOrName: string, limit = 20) {
  const trpc = useTRPC();
  return useQuery(trpc.audit.forApp.queryOptions({ app: idOrName, limit }));
}

export function useUpdateApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (app) => {
        toast.success(`Saved ${app.name}.`);
        // A rename changes the key the app is reached by; refresh everything about apps.
        await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
