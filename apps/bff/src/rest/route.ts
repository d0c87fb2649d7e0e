import type { Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Context } from "../context.ts";
import { appRouter } from "../routers/_app.ts";
import { createCallerFactory } from "../trpc.ts";
import { sendError } from "./respond.ts";

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export type ContextFor = (c: HonoContext, resHeaders: Headers) => Promise<Context>;

/** A REST handler that runs procedure calls and answers with their result, or the error shape. */
export function routeWith(contextFor: ContextFor) {
  return (status: ContentfulStatusCode, call: (caller: Caller, c: HonoContext) => Promise<unknown>) => async (c: HonoContext) => {
    const resHeaders = new Headers();
    try {
      const result = await call(createCaller(await contextFor(c, resHeaders)), c);
      for (const [k, v] of resHeaders) c.header(k, v, { append: true });
      if (result instanceof Response) return result;
      return c.json(result as object, status);
    } catch (err) {
      return sendError(c, err);
    }
  };
}

/** A caller for handlers that stream (SSE) and so manage their own response. */
export async function callerFor(contextFor: ContextFor, c: HonoContext) {
  return createCaller(await contextFor(c, new Headers()));
}
