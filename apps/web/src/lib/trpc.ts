import type { AppRouter } from "@skypanel/bff";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const CSRF_COOKIE = "skypanel_csrf";

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

/**
 * The client every page uses: queries and mutations batched over HTTP, subscriptions (live
 * build logs and events) over Server-Sent Events, which the session cookie authenticates
 * because they are same-origin. `fetch` and `EventSource` are replaceable so component tests
 * can put a stub server at the network boundary while the real links and superjson still run.
 */
export function createSkypanelClient(opts: { fetch?: typeof fetch; EventSource?: typeof EventSource } = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: "/api/trpc",
          transformer: superjson,
          ...(opts.EventSource ? { EventSource: opts.EventSource } : {}),
        }),
        false: httpBatchLink({
          url: "/api/trpc",
          transformer: superjson,
          // The BFF rejects mutations whose x-csrf-token does not match the session's cookie.
          headers() {
            const token = readCookie(CSRF_COOKIE);
            return token ? { "x-csrf-token": token } : {};
          },
          fetch(url, init) {
            return (opts.fetch ?? globalThis.fetch)(url, { ...init, credentials: "same-origin" });
          },
        }),
      }),
    ],
  });
}

export type SkypanelClient = ReturnType<typeof createSkypanelClient>;

/** The user-facing message of any error the client or a page produced. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** The tRPC error code ("NOT_FOUND", "CONFLICT"…) when the server sent one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: unknown } | undefined;
    return typeof data?.code === "string" ? data.code : undefined;
  }
  return undefined;
}
