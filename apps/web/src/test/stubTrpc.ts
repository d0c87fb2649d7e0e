// The building blocks of the stub tRPC server, shared by stubBackend.ts and the routers it
// composes from other files (stubRuntime.ts). Every stub procedure is held to the BFF's own
// (AppRouter): a renamed procedure, a changed input or output fails `tsc -p apps/web` here,
// not only in a browser test.
import type { AppRouter } from "@skypanel/bff";
import type { AnyRouter, inferRouterInputs, inferRouterOutputs, TrackedEnvelope } from "@trpc/server";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";

export const TEST_CSRF = "test-csrf-token";

/** An error whose `details` reach the client as the BFF sends an engine error's (error.data.details). */
export class StubDetailedError extends Error {
  constructor(
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export const t = initTRPC.context<{ csrf: string | null }>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error }) =>
    error.cause instanceof StubDetailedError ? { ...shape, data: { ...shape.data, details: error.cause.details } } : shape,
});

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** A procedure of the BFF, named as the client calls it: "builds.get". */
export type ProcedurePath = { [R in keyof Inputs & string]: `${R}.${keyof Inputs[R] & string}` }[keyof Inputs & string];
type InputOf<P extends ProcedurePath> = P extends `${infer R extends keyof Inputs & string}.${infer Q}`
  ? Q extends keyof Inputs[R]
    ? Inputs[R][Q]
    : never
  : never;
/** What the handler returns; a subscription yields what `tracked()` makes, which the client sees as `{ id, data }`. */
type AnswerOf<P extends ProcedurePath> = P extends `${infer R extends keyof Outputs & string}.${infer Q}`
  ? Q extends keyof Outputs[R]
    ? Outputs[R][Q] extends AsyncIterable<infer Event>
      ? AsyncIterable<Event extends { id: string; data: infer D } ? TrackedEnvelope<D> : Event, void>
      : Outputs[R][Q]
    : never
  : never;

/** The stub's procedures: each call is recorded; without a session, or a mutation without the CSRF token, it is refused. */
export function stubProcedure(session: { loggedIn: boolean; calls: { path: string; input: unknown }[] }) {
  const proc = t.procedure.use(async ({ path, type, ctx, getRawInput, next }) => {
    session.calls.push({ path, input: await getRawInput() });
    if (!session.loggedIn && path !== "auth.session") throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
    if (type === "mutation" && ctx.csrf !== TEST_CSRF) throw new TRPCError({ code: "FORBIDDEN", message: "Missing CSRF token." });
    return next();
  });
  /**
   * The stub of the BFF's procedure `path`: its handler gets the real procedure's input type and
   * must answer with the real output type. The stub trusts its callers (the real client), so
   * neither is parsed at run time.
   */
  return <P extends ProcedurePath>(_path: P) =>
    proc.input((raw: unknown) => raw as InputOf<P>).output((answer: unknown) => answer as AnswerOf<P>);
}

export type StubProcedure = ReturnType<typeof stubProcedure>;

/**
 * The stub's procedures that are not the BFF's under the same name (a stub written with another
 * procedure's path, or one the BFF renamed): `never` when there are none. The check on the whole
 * router (stubBackend.ts) makes tsc name them.
 */
export type Misplaced<Stub extends AnyRouter> = {
  [R in keyof inferRouterOutputs<Stub> & string]: {
    [Q in keyof inferRouterOutputs<Stub>[R] & string]: R extends keyof Outputs
      ? Q extends keyof Outputs[R]
        ? inferRouterOutputs<Stub>[R][Q] extends Outputs[R][Q]
          ? Inputs[R][Q] extends inferRouterInputs<Stub>[R][Q]
            ? never
            : `${R}.${Q}`
          : `${R}.${Q}`
        : `${R}.${Q}`
      : `${R}.${Q}`;
  }[keyof inferRouterOutputs<Stub>[R] & string];
}[keyof inferRouterOutputs<Stub> & string];
