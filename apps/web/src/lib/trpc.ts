import type { AppRouter } from "@skypanel/bff";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
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
 * The client every page uses. `fetch` is replaceable so component tests can put a stub
 * server at the network boundary while the real link, batching and superjson still run.
 */
export function createSkypanelClient(opts: { fetch?: typeof fetch } = {}) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
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
