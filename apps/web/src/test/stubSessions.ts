// The user's own sessions in the stub tRPC server, typed by the BFF's outputs and answering with
// the engine's messages (packages/engine/src/auth/sessions.ts).
import { TRPCError } from "@trpc/server";
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubSession = RouterOutputs["sessions"]["list"][number];

const AT = new Date("2025-01-02T03:04:05Z");

export function stubSession(n: number, over: Partial<StubSession> = {}): StubSession {
  return {
    id: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, "0")}`,
    createdAt: AT,
    lastSeenAt: AT,
    expiresAt: new Date(AT.getTime() + 7 * 86_400_000),
    ip: `192.0.2.${n}`,
    userAgent: `Browser ${n}`,
    current: false,
    ...over,
  };
}

/** `sessions` is the state's own array, changed in place so tests can read what is left. */
export function sessionsRouter(proc: StubProcedure, sessions: StubSession[]) {
  const keep = (keepIt: (s: StubSession) => boolean) => {
    const before = sessions.length;
    const kept = sessions.filter(keepIt);
    sessions.splice(0, sessions.length, ...kept);
    return before - kept.length;
  };
  return t.router({
    list: proc("sessions.list").query(() => sessions),
    revoke: proc("sessions.revoke").mutation(({ input }) => {
      if (keep((s) => s.id !== input.id) === 0) {
        throw new TRPCError({ code: "NOT_FOUND", message: `You have no session with id "${input.id}".` });
      }
      return { id: input.id };
    }),
    revokeOthers: proc("sessions.revokeOthers").mutation(() => ({ revoked: keep((s) => s.current) })),
  });
}
