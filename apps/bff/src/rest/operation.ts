// One REST operation is declared once: path, params, query, body and answers as zod schemas.
// The declaration mounts the Hono handler (which validates the request before any procedure
// runs) and is what the OpenAPI document is generated from, so the two cannot drift apart.
import { TRPCError } from "@trpc/server";
import type { Hono, Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Context } from "../context.ts";
import { readJsonObject, sendError } from "./respond.ts";
import { type Caller, type ContextFor, createCaller } from "./route.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";
/** The error statuses an operation may answer besides those its declaration implies (see `errorStatuses`). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 429;

type NoInput = z.ZodObject<Record<never, never>>;

export interface OperationSpec<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType, R extends z.ZodType> {
  /** The OpenAPI operationId. */
  id: string;
  method: Method;
  /** OpenAPI form: `/api/apps/{app}/builds`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** "none": anyone may call it; otherwise a Bearer token or the session cookie is needed. */
  auth?: "none";
  params?: P;
  query?: Q;
  /** Request headers the operation reads (documented; the handler reads them itself). */
  headers?: z.ZodObject;
  /** A JSON object body, validated before the handler runs. */
  body?: B;
  /** An empty body counts as `{}`. */
  bodyOptional?: boolean;
  /** Bodies the handler reads itself (an upload), by media type; documented only. */
  requestContent?: Record<string, z.ZodType>;
  status: 200 | 201 | 202;
  /** The JSON answer; none when the operation answers only in `alsoAnswers`' media types. */
  response?: R;
  /** What the success answer means, in a line. */
  answers: string;
  /** Other media types of the success answer (a log as text, a stream of events), by media type. */
  alsoAnswers?: Record<string, z.ZodType>;
  errors?: ErrorStatus[];
  handle(input: {
    caller: Caller;
    ctx: Context;
    c: HonoContext;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
  }): Promise<z.input<R> | Response>;
}

/** A declared operation, its schemas' types checked and then forgotten so a list can hold any. */
export interface Operation extends Omit<OperationSpec<z.ZodObject, z.ZodObject, z.ZodType, z.ZodType>, "handle"> {
  handle(input: { caller: Caller; ctx: Context; c: HonoContext; params: unknown; query: unknown; body: unknown }): Promise<unknown>;
}

/**
 * Declares an operation; the handler's answer must fit `response` (dates as Date, sent as ISO
 * strings), or be a Response it made itself (a stream).
 */
export function operation<
  P extends z.ZodObject = NoInput,
  Q extends z.ZodObject = NoInput,
  B extends z.ZodType = NoInput,
  R extends z.ZodType = z.ZodNever,
>(spec: OperationSpec<P, Q, B, R>): Operation {
  return spec as unknown as Operation;
}

/** The error statuses an operation can answer: those its shape implies, and its own. */
export function errorStatuses(op: Operation): ErrorStatus[] {
  const implied: ErrorStatus[] = [];
  if (op.params || op.query || op.body || op.requestContent) implied.push(400);
  if (op.auth !== "none") implied.push(401);
  // Changes made with the session cookie need the CSRF header, and a token scope that allows them;
  // any call, a read too, is refused while a team requires MFA of a user not enrolled (scopes.ts).
  if (op.auth !== "none") implied.push(403);
  if (op.path.includes("{")) implied.push(404);
  if (op.body || op.requestContent) implied.push(413);
  return [...new Set([...implied, ...(op.errors ?? [])])].sort();
}

/** `/api/apps/{app}` → `/apps/:app`, relative to where the REST app is mounted. */
export function honoPath(path: string) {
  return path.replace(/^\/api/, "").replace(/\{(\w+)\}/g, ":$1");
}

export function mountOperations(api: Hono, operations: Operation[], contextFor: ContextFor) {
  for (const op of operations) api.on(op.method.toUpperCase(), honoPath(op.path), (c) => run(op, c, contextFor));
}

async function run(op: Operation, c: HonoContext, contextFor: ContextFor) {
  const resHeaders = new Headers();
  try {
    const params = op.params ? parseInput(op.params, c.req.param()) : {};
    const query = op.query ? parseInput(op.query, presentQuery(c)) : {};
    const body = op.body ? parseInput(op.body, await readJsonObject(c, op.bodyOptional ? { emptyIs: {} } : {})) : {};
    const ctx = await contextFor(c, resHeaders);
    const result = await op.handle({ caller: createCaller(ctx), ctx, c, params, query, body });
    for (const [k, v] of resHeaders) c.header(k, v, { append: true });
    if (result instanceof Response) return result;
    return c.json(result as object, op.status as ContentfulStatusCode);
  } catch (err) {
    return sendError(c, err);
  }
}

/** Validates with `schema`; a mismatch is the REST face's 400 ("Invalid input: name: …"). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid input", cause: parsed.error });
  return parsed.data;
}

/** Query parameters given a value: `?search=` means no search, as it always has. */
function presentQuery(c: HonoContext) {
  return Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
}
