import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Provider as ReduxProvider } from "react-redux";
import { errorCode, type SkypanelClient, TRPCProvider } from "./lib/trpc.ts";
import { type AppStore, createStore } from "./store/index.ts";

export function createQueryClient() {
  // A session that expires mid-visit makes calls fail with UNAUTHORIZED: ask again who is
  // logged in, and the route guard sends the user to /login.
  const onError = (error: unknown) => {
    if (errorCode(error) === "UNAUTHORIZED") void queryClient.invalidateQueries({ queryKey: [["auth", "session"]] });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // An error the server meant (not found, forbidden…) will not change on retry.
        retry: (failures, error) => failures < 2 && !(error as { data?: { httpStatus?: number } })?.data?.httpStatus,
      },
    },
  });
  return queryClient;
}

/** Server data (TanStack Query over tRPC) and UI state (Redux) for everything below. */
export function Providers({
  client,
  queryClient: givenQueryClient,
  store: givenStore,
  children,
}: {
  client: SkypanelClient;
  queryClient?: QueryClient;
  store?: AppStore;
  children: ReactNode;
}) {
  const [queryClient] = useState(() => givenQueryClient ?? createQueryClient());
  const [store] = useState(() => givenStore ?? createStore());
  return (
    <ReduxProvider store={store}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </ReduxProvider>
  );
}
