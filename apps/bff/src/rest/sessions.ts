// REST for the caller's own sessions (logged-in browsers and CLIs), beside /api/tokens.
import { z } from "zod";
import { accountSessionSchema, revokedOtherSessionsSchema, revokedSessionSchema, sessionRevokeInput } from "../schemas/sessions.ts";
import { operation } from "./operation.ts";

export const sessionOperations = [
  operation({
    id: "listSessions",
    method: "get",
    path: "/api/sessions",
    tag: "sessions",
    summary: "List your sessions",
    status: 200,
    response: z.strictObject({ sessions: z.array(accountSessionSchema) }),
    answers: "Where you are logged in, most recently used first; `current` marks the session making this request.",
    handle: async ({ caller }) => ({ sessions: await caller.sessions.list() }),
  }),
  operation({
    id: "revokeSession",
    method: "delete",
    path: "/api/sessions/{id}",
    tag: "sessions",
    summary: "End one of your sessions",
    description: "Its token stops working at once (answers 401).",
    params: sessionRevokeInput,
    status: 200,
    response: revokedSessionSchema,
    answers: "Ended.",
    handle: ({ caller, params }) => caller.sessions.revoke(params),
  }),
  operation({
    id: "revokeOtherSessions",
    method: "delete",
    path: "/api/sessions",
    tag: "sessions",
    summary: "End your other sessions",
    description: "Logs you out everywhere but the session making this request (with an API token: every session). API tokens stay valid.",
    status: 200,
    response: revokedOtherSessionsSchema,
    answers: "How many sessions ended.",
    handle: ({ caller }) => caller.sessions.revokeOthers(),
  }),
];
