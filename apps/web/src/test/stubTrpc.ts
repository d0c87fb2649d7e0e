// The building blocks of the stub tRPC server, shared by stubBackend.ts and the routers it
// composes from other files (stubRuntime.ts).
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";

export const TEST_CSRF = "test-csrf-token";

export const t = initTRPC.context<{ csrf: string | null }>().create({ transformer: superjson });

/** The stub's procedures: each call is recorded; without a session, or a mutation without the CSRF token, it is refused. */
export function stubProcedure(session: { loggedIn: boolean; calls: { path: string; input: unknown }[] }) {
  return t.procedure.use(async ({ path, type, ctx, getRawInput, next }) => {
    session.calls.push({ path, input: await getRawInput() });
    if (!session.loggedIn && path !== "auth.session") throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
    if (type === "mutation" && ctx.csrf !== TEST_CSRF) throw new TRPCError({ code: "FORBIDDEN", message: "Missing CSRF token." });
    return next();
  });
}

export type StubProcedure = ReturnType<typeof stubProcedure>;

/** The stub trusts its callers (the real client); an input is just typed. */
export const input =
  <T>() =>
  (raw: unknown) =>
    raw as T;
