import type { Context as HonoContext } from "hono";
import type { Context } from "../context.ts";
import { appRouter } from "../routers/_app.ts";
import { createCallerFactory } from "../trpc.ts";

/** REST handlers call the same procedures the dashboard does, so rules and errors are identical. */
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export type ContextFor = (c: HonoContext, resHeaders: Headers) => Promise<Context>;
