import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { CSRF_COOKIE, createSkypanelClient } from "../lib/trpc.ts";
import { createQueryClient, Providers } from "../Providers.tsx";
import { createStore } from "../store/index.ts";
import { TEST_CSRF } from "./stubBackend.ts";
import { eventSourceOver } from "./stubEventSource.ts";

/**
 * Renders `ui` with the app's real providers and tRPC client, whose fetch goes to `opts.fetch`
 * (a stub server), subscriptions included. `path` is the route pattern `ui` sits at, `url` the
 * address being visited.
 */
export function renderWithBackend(ui: ReactNode, opts: { fetch: typeof fetch; url?: string; path?: string }) {
  // biome-ignore lint/suspicious/noDocumentCookie: tests play the browser that received the cookie from login.
  document.cookie = `${CSRF_COOKIE}=${TEST_CSRF}`;
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const store = createStore();
  const result = render(
    <Providers
      client={createSkypanelClient({ fetch: opts.fetch, EventSource: eventSourceOver(opts.fetch) })}
      queryClient={queryClient}
      store={store}
    >
      <MemoryRouter initialEntries={[opts.url ?? "/"]}>
        <Routes>
          <Route path={opts.path ?? "*"} element={ui} />
        </Routes>
        <CurrentLocation />
      </MemoryRouter>
    </Providers>,
  );
  return { ...result, store, queryClient };
}

/** Shows where the router is, so a test can see that a page navigated. */
function CurrentLocation() {
  return <output data-testid="location">{useLocation().pathname}</output>;
}
