// Attaching to a one-off process: a WebSocket at /api/apps/:app/one-offs/:id/attach. Binary
// frames carry the terminal's bytes both ways; text frames carry JSON control messages
// (`resize` from the client, `exit` from the server). Hanging up stops the process, as a
// closed terminal would.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type Engine, EngineError, type OneOffSession } from "@skypanel/engine";
import { WebSocket, WebSocketServer } from "ws";
import { clientAddress } from "./client-address.ts";
import type { BffConfig } from "./config.ts";
import { HTTP_STATUS } from "./errors.ts";
import { requestToken } from "./http.ts";
import { errorBody } from "./rest/respond.ts";
import { mfaEnrolmentRefusal, scopeRefusal } from "./scopes.ts";

const ATTACH_PATH = /^\/api\/apps\/([^/]+)\/one-offs\/([^/]+)\/attach$/;
// A terminal's keystrokes and resizes are small; a client that sends more is refused, not buffered.
const MAX_FRAME_BYTES = 1024 * 1024;
// After the one-off ends its last output is sent; a client that never reads it is cut off.
const CLOSE_GRACE_MS = 5_000;
const HANG_UP_GRACE_MS = 5_000;
// Past this many bytes queued for a slow client, the process's output waits (its pipe fills and
// it blocks), rather than the control plane holding everything it prints.
const MAX_QUEUED_BYTES = 1024 * 1024;

/** Serves one-off attaches on `server`'s upgrade requests; other upgrades are refused. */
export function serveOneOffAttach(server: Pick<Server, "on">, engine: Engine, config: BffConfig) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void accept(req)
      .then((session) => wss.handleUpgrade(req, socket, head, (ws) => relay(ws, session)))
      .catch((err) => refuse(socket, err));
  });

  async function accept(req: IncomingMessage): Promise<OneOffSession> {
    const match = ATTACH_PATH.exec(new URL(req.url ?? "/", "http://localhost").pathname);
    if (!match) throw new EngineError("NOT_FOUND", "No WebSocket here: only /api/apps/:app/one-offs/:id/attach upgrades.");
    const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
    const presented = requestToken(headers);
    const auth = presented ? await engine.auth.authenticate(presented.token) : null;
    if (!auth) throw new EngineError("UNAUTHORIZED", "Attaching needs an API token (Authorization: Bearer) or a session.");
    // Typing into a one-off is a change, like starting one: `admin` tokens only (scopes.ts).
    const refusal =
      scopeRefusal(auth.scope, "oneOffs.attach", "mutation") ?? mfaEnrolmentRefusal(auth.mfaEnrolmentRequiredBy, "oneOffs.attach");
    if (refusal) throw new EngineError("FORBIDDEN", refusal);
    // A page on another site can open a WebSocket with the user's cookie: cookie sessions attach only from our own origin.
    if (presented?.from === "cookie" && !sameOrigin(req)) throw new EngineError("FORBIDDEN", "Attach from the dashboard's own origin.");
    const ip = clientAddress(headers, req.socket.remoteAddress ?? null, config.trustedProxies);
    const actor = { userId: auth.user.id, isAdmin: auth.user.isAdmin, ip };
    return engine.oneOffs.attach(actor, decoded(match[1]), decoded(match[2]));
  }
}

function relay(ws: WebSocket, session: OneOffSession) {
  const { io } = session.instance;
  let ended = false;
  const outputs = [io.output, io.errors];
  const send = (chunk: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(chunk, { binary: true }, () => {
      if (ws.bufferedAmount < MAX_QUEUED_BYTES) for (const o of outputs) o.resume();
    });
    if (ws.bufferedAmount >= MAX_QUEUED_BYTES) for (const o of outputs) o.pause();
  };
  for (const o of outputs) o.on("data", send);
  // A client typing faster than the process reads waits for it, likewise.
  io.input.on("drain", () => ws.resume());
  ws.on("message", (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      if (!io.input.writableEnded && !io.input.write(bytes)) ws.pause();
      return;
    }
    const message = parseControl(bytes.toString("utf8"));
    if (message?.type === "resize") io.resize({ cols: message.cols, rows: message.rows });
    else if (message?.type === "eof") io.input.end();
  });
  ws.on("close", () => {
    if (!ended) void session.instance.stop(HANG_UP_GRACE_MS);
  });
  ws.on("error", () => ws.terminate());
  void session.exited.then(async (code) => {
    ended = true;
    // The pipes hold the last bytes the process wrote; they end once it has gone.
    await Promise.all([drained(io.output), drained(io.errors)]);
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: "exit", code }));
    ws.close(1000, "exited");
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  });
}

/** A path segment as written; a malformed escape names nothing. */
function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    throw new EngineError("NOT_FOUND", "No such one-off process.");
  }
}

function drained(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { readableEnded?: boolean }).readableEnded) resolve();
    else {
      stream.once("end", () => resolve());
      stream.once("close", () => resolve());
    }
  });
}

type Control = { type: "resize"; cols: number; rows: number } | { type: "eof" };

function parseControl(text: string): Control | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value.type === "eof") return { type: "eof" };
    if (value.type === "resize" && Number.isInteger(value.cols) && Number.isInteger(value.rows))
      return { type: "resize", cols: value.cols as number, rows: value.rows as number };
  } catch {
    // Not JSON: ignored, as an unknown control message is.
  }
  return null;
}

function sameOrigin(req: IncomingMessage) {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Answers a refused upgrade with the REST face's error shape and status. */
function refuse(socket: Duplex, err: unknown) {
  const known = err instanceof EngineError;
  if (!known) console.error("[bff] one-off attach failed:", err);
  const code = known ? err.code : "INTERNAL_SERVER_ERROR";
  const status = HTTP_STATUS[code] ?? 500;
  const body = JSON.stringify(errorBody(code, known ? err.message : "Internal error; the server log has the details."));
  if (!socket.writable) return socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
