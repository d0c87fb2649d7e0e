// One-off processes through the API, as the CLI uses them: started over REST, attached over a
// WebSocket to a real nspawn instance (PGlite; the artifact is added to the Nix store, not built).
import { appWithRelease } from "@skypanel/engine/one-offs-testing";
import { addProbeApp } from "@skypanel/engine/runtime-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestBff, type TestBff } from "../testing.ts";

interface Attached {
  output: string;
  exit: number | null | undefined;
  closeCode: number;
}

/**
 * Attaches to a one-off, sends `input` frames (objects are JSON control messages) once the output
 * shows `after` (at once without it), and collects until it closes.
 */
function attach(base: string, url: string, token: string, input: (Buffer | object)[] = [], after?: string): Promise<Attached> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const chunks: Buffer[] = [];
    let exit: number | null | undefined;
    let sent = false;
    const sendInput = () => {
      if (sent || (after && !Buffer.concat(chunks).toString("utf8").includes(after))) return;
      sent = true;
      for (const frame of input) ws.send(Buffer.isBuffer(frame) ? frame : JSON.stringify(frame), { binary: Buffer.isBuffer(frame) });
    };
    ws.on("open", sendInput);
    ws.on("message", (data, isBinary) => {
      if (isBinary) chunks.push(data as Buffer);
      else exit = (JSON.parse(String(data)) as { code: number | null }).code;
      sendInput();
    });
    ws.on("close", (closeCode) => resolve({ output: Buffer.concat(chunks).toString("utf8"), exit, closeCode }));
    ws.on("error", reject);
  });
}

/** The HTTP answer to an upgrade that is refused. */
function refusedUpgrade(base: string, url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${url}`, { headers });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("open", () => reject(new Error("the upgrade was accepted")));
    ws.on("error", () => {});
  });
}

describe("REST one-off processes with a WebSocket attach (nspawn; PGlite)", { timeout: 120_000 }, () => {
  let t: TestBff;
  let base: string;
  let token: string;
  let strangerToken: string;
  const artifact = addProbeApp();

  beforeAll(async () => {
    t = await createTestBff("pglite", { runtime: { mode: "nspawn", router: false, cgroupParent: `spbffrun${process.pid}` } });
    await t.engine.start();
    const alice = await t.user("alice@example.com");
    await t.user("mallory@example.com");
    await appWithRelease(t, alice, "shop", artifact.storePath);
    token = await t.login("alice@example.com");
    strangerToken = await t.login("mallory@example.com");
    base = await t.listen();
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
    artifact.remove();
  });

  it("runs a command attached: its output, stdin and exit code travel over the WebSocket", async () => {
    const started = await t.rest("POST", "/api/apps/shop/one-offs", {
      token,
      body: { command: "read x; echo got $x and $GREETING; exit 3" },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ name: "run.1", status: "starting", attach: true });
    const result = await attach(base, started.body.attachUrl, token, [Buffer.from("hi\n")]);
    expect(result.output).toContain("got hi and hello from shop");
    expect(result.exit).toBe(3);
    expect(result.closeCode).toBe(1000);
    const read = await t.rest("GET", `/api/apps/shop/one-offs/${started.body.id}`, { token });
    expect(read.body).toMatchObject({ status: "failed", exitCode: 3 });
  });

  it("delivers every byte of a large output to the client (5.5 MB, more than the server queues for a slow client)", async () => {
    const started = await t.rest("POST", "/api/apps/shop/one-offs", { token, body: { command: "yes 0123456789 | head -n 500000" } });
    const result = await attach(base, started.body.attachUrl, token);
    expect(result.exit).toBe(0);
    expect(result.output.length).toBe(500_000 * 11);
    expect(result.output.split("\n").filter((line) => line !== "" && line !== "0123456789")).toEqual([]);
  });

  it("runs on a terminal of the client's size and follows a resize", async () => {
    const started = await t.rest("POST", "/api/apps/shop/one-offs", {
      token,
      body: { command: "stty size; read x; stty size", size: { cols: 90, rows: 30 } },
    });
    const result = await attach(
      base,
      started.body.attachUrl,
      token,
      [{ type: "resize", cols: 120, rows: 50 }, Buffer.from("go\r")],
      "30 90",
    );
    expect(result.output).toMatch(/30 90[\s\S]*50 120/);
    // The sandbox's own messages are not the app's output.
    expect(result.output).not.toContain("Attempted to remove");
    expect(result.exit).toBe(0);
  });

  it("runs a command detached and lists it", async () => {
    const started = await t.rest("POST", "/api/apps/shop/one-offs", { token, body: { command: "echo in the logs", attach: false } });
    expect(started.body).toMatchObject({ status: "running", attachUrl: null });
    const list = await t.rest("GET", "/api/apps/shop/one-offs?limit=5", { token });
    expect(list.status).toBe(200);
    expect(list.body.oneOffs.map((o: { id: string }) => o.id)).toContain(started.body.id);
  });

  it("refuses an attach without a token, by a stranger, with a cookie from another site, and twice", async () => {
    const started = await t.rest("POST", "/api/apps/shop/one-offs", { token, body: { command: "sleep 5" } });
    const url = started.body.attachUrl as string;
    expect((await refusedUpgrade(base, url, {})).status).toBe(401);
    const stranger = await refusedUpgrade(base, url, { authorization: `Bearer ${strangerToken}` });
    expect(stranger.status).toBe(404);
    expect(JSON.parse(stranger.body)).toMatchObject({ error: { code: "NOT_FOUND" } });
    const login = await t.rest("POST", "/api/auth/login", { body: { email: "alice@example.com", password: "correct horse battery" } });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect((await refusedUpgrade(base, url, { cookie, origin: "https://evil.example" })).status).toBe(403);
    // Hanging up stops it: the attach is then refused as already used.
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}${url}`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((r) => ws.on("open", r));
    expect((await refusedUpgrade(base, url, { authorization: `Bearer ${token}` })).status).toBe(409);
    ws.close();
    let row = (await t.rest("GET", `/api/apps/shop/one-offs/${started.body.id}`, { token })).body;
    for (let i = 0; i < 100 && row.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await t.rest("GET", `/api/apps/shop/one-offs/${started.body.id}`, { token })).body;
    }
    expect(row.status).toBe("stopped");
  });

  it("refuses a bad request with the API's error shape", async () => {
    const empty = await t.rest("POST", "/api/apps/shop/one-offs", { token, body: { command: "" } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("BAD_REQUEST");
    const huge = await t.rest("POST", "/api/apps/shop/one-offs", { token, body: { command: "true", timeoutSeconds: 10 ** 9 } });
    expect(huge.status).toBe(400);
  });
});
