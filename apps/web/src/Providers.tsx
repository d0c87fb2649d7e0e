import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Provider as ReduxProvider } from "react-redux";
import { type SkypanelClient, TRPCProvider } from "./lib/trpc.ts";
import { type AppStore, createStore } from "./store/index.ts";

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // An error the server meant (not found, forbidden…) will not change on retry.
        retry: (failures, error) => failures < 2 && !(error as { data?: { httpStatus?: number } })?.data?.httpStatus,
      },
    },
  });
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
