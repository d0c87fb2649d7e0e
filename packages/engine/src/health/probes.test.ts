import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "./http.ts";
import { type HttpProbe, runProbe } from "./probe.ts";
import { alive, closedPort, startHttpServer, type TestHttpServer, unansweredTcpPort } from "./test-servers.ts";

const at = (port: number) => ({ address: "127.0.0.1", port });

describe("HTTP probe", () => {
  let server: TestHttpServer;
  beforeAll(async () => {
    // GET /status/<code>[?body=<text>] answers with that status and body; /echo-host echoes Host.
    server = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/echo-host") return res.end(`host=${req.headers.host} token=${req.headers["x-token"] ?? ""}`);
      if (url.pathname === "/hang") return;
      if (url.pathname === "/big") {
        // More than the probe reads, and never finished: the probe must judge what it has.
        res.write("x".repeat(MAX_BODY_BYTES + 1024));
        return;
      }
      const status = Number(url.pathname.split("/")[2] ?? 200);
      res.writeHead(status, status >= 300 && status < 400 ? { Location: "/elsewhere" } : {});
      res.end(url.searchParams.get("body") ?? "");
    });
  });
  afterAll(() => server.close());
  const probe = (p: Omit<HttpProbe, "kind">, timeoutMs = 2000) => runProbe({ kind: "http", ...p }, at(server.port), { timeoutMs });

  it("passes on 2xx and 3xx by default, without following redirects, and closes its connection", async () => {
    const ok = await probe({ path: "/status/200" });
    expect(ok).toMatchObject({ ok: true, detail: "HTTP 200 from /status/200" });
    expect(ok.durationMs).toBeGreaterThanOrEqual(0);
    expect(await probe({ path: "/status/301" })).toMatchObject({ ok: true, detail: "HTTP 301 from /status/301" });
    await expect.poll(() => server.connections(), { timeout: 1000 }).toBe(0);
  });

  it("fails on a status outside the range, saying which and what was expected", async () => {
    expect(await probe({ path: "/status/502" })).toMatchObject({ ok: false, detail: "HTTP 502 from /status/502 (expected 200–399)" });
    expect(await probe({ path: "/status/404" })).toMatchObject({ ok: false, detail: "HTTP 404 from /status/404 (expected 200–399)" });
  });

  it("honours a given status or range", async () => {
    const below500 = { min: 100, max: 499 };
    expect((await probe({ path: "/status/404", expectStatus: below500 })).ok).toBe(true);
    expect(await probe({ path: "/status/500", expectStatus: below500 })).toMatchObject({
      ok: false,
      detail: "HTTP 500 from /status/500 (expected 100–499)",
    });
    expect((await probe({ path: "/status/204", expectStatus: 204 })).ok).toBe(true);
    expect(await probe({ path: "/status/200", expectStatus: 204 })).toMatchObject({
      ok: false,
      detail: "HTTP 200 from /status/200 (expected 204)",
    });
  });

  it("matches the body as a substring", async () => {
    expect(await probe({ path: "/status/200?body=db:ready", bodyMatch: "ready" })).toMatchObject({
      ok: true,
      detail: "HTTP 200 from /status/200?body=db:ready, body matched",
    });
    expect(await probe({ path: "/status/200?body=db:starting", bodyMatch: "ready" })).toMatchObject({
      ok: false,
      detail: 'body from /status/200?body=db:starting did not contain "ready"',
    });
    // Without slashes around it, regex characters are plain text.
    expect((await probe({ path: "/status/200?body=a.c", bodyMatch: "a.c" })).ok).toBe(true);
    expect((await probe({ path: "/status/200?body=abc", bodyMatch: "a.c" })).ok).toBe(false);
  });

  it("matches the body against /regex/flags", async () => {
    const body = encodeURIComponent("version: 3\nstatus: OK\n");
    expect((await probe({ path: `/status/200?body=${body}`, bodyMatch: "/^status: ok$/im" })).ok).toBe(true);
    expect(await probe({ path: `/status/200?body=${body}`, bodyMatch: "/^status: ok$/m" })).toMatchObject({
      ok: false,
      detail: `body from /status/200?body=${body} did not match "/^status: ok$/m"`,
    });
    expect(await probe({ path: "/status/200", bodyMatch: "/(unclosed/" })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^bodyMatch is not a valid regular expression/),
    });
  });

  it("reads at most MAX_BODY_BYTES of the body, and says so when the text is not in them", async () => {
    const started = Date.now();
    expect(await probe({ path: "/big", bodyMatch: "ready" }, 5000)).toMatchObject({
      ok: false,
      detail: `body from /big did not contain "ready" in its first ${MAX_BODY_BYTES / 1024} KiB`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("sends Host and other headers as given, and <address>:<port> as Host otherwise", async () => {
    const given = await probe({
      path: "/echo-host",
      bodyMatch: "host=app.example.com token=t1",
      headers: { Host: "app.example.com", "X-Token": "t1" },
    });
    expect(given).toMatchObject({ ok: true });
    expect(await probe({ path: "/echo-host", bodyMatch: `host=127.0.0.1:${server.port} ` })).toMatchObject({ ok: true });
  });

  it("reports a server that never answers as timed out, within the timeout", async () => {
    const result = await probe({ path: "/hang" }, 300);
    expect(result).toMatchObject({ ok: false, detail: "timed out after 300 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(295);
    expect(result.durationMs).toBeLessThan(800);
    await expect.poll(() => server.connections(), { timeout: 1000 }).toBe(0);
  });

  it("reports connection refused", async () => {
    const result = await runProbe({ kind: "http", path: "/" }, at(await closedPort()), { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, detail: "connection refused" });
  });

  it("never throws, even for a path node refuses to send", async () => {
    const result = await probe({ path: "/with space" });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/unescaped characters/);
  });

  it("stops at once when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runProbe({ kind: "http", path: "/hang" }, at(server.port), { timeoutMs: 5000, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, detail: "cancelled" });
    expect(result.durationMs).toBeLessThan(1000);
    await expect.poll(() => server.connections(), { timeout: 1000 }).toBe(0);
  });
});

describe("TCP probe", () => {
  it("passes when a connection opens, and closes it", async () => {
    const server = await startHttpServer(() => undefined);
    try {
      expect(await runProbe({ kind: "tcp" }, at(server.port), { timeoutMs: 2000 })).toMatchObject({
        ok: true,
        detail: `connected to 127.0.0.1:${server.port}`,
      });
      await expect.poll(() => server.connections(), { timeout: 1000 }).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("reports connection refused", async () => {
    expect(await runProbe({ kind: "tcp" }, at(await closedPort()), { timeoutMs: 2000 })).toMatchObject({
      ok: false,
      detail: "connection refused",
    });
  });

  it("reports a connect that never completes as timed out, within the timeout", async () => {
    const unanswered = await unansweredTcpPort();
    try {
      const result = await runProbe({ kind: "tcp" }, at(unanswered.port), { timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, detail: "timed out after 300 ms" });
      expect(result.durationMs).toBeGreaterThanOrEqual(295);
      expect(result.durationMs).toBeLessThan(800);
    } finally {
      unanswered.close();
    }
  });
});

describe("command probe", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "health-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env.SKYPANEL_TEST_SECRET;
  });
  const sh = (script: string, timeoutMs = 2000, target = at(4321)) =>
    runProbe({ kind: "command", command: "sh", args: ["-c", script] }, target, { timeoutMs });

  it("passes when the command exits 0, with its last line of output as the detail", async () => {
    expect(await sh("echo checking; echo 3 workers up")).toMatchObject({ ok: true, detail: 'command exited 0: "3 workers up"' });
    expect(await sh("exit 0")).toMatchObject({ ok: true, detail: "command exited 0" });
  });

  it("fails when it exits non-zero, with what it said", async () => {
    expect(await sh("exit 1")).toMatchObject({ ok: false, detail: "command exited with 1" });
    expect(await sh("echo 'database not reachable' >&2; exit 3")).toMatchObject({
      ok: false,
      detail: 'command exited with 3: "database not reachable"',
    });
  });

  it("kills a hung command and everything it started at the timeout", async () => {
    const pidFile = join(dir, "sleep.pid");
    const probing = sh(`sleep 10 & echo $! > ${pidFile}; wait`, 500);
    await expect.poll(() => readFile(pidFile, "utf8").then(Number, () => 0), { timeout: 400 }).toBeGreaterThan(0);
    const pid = Number(await readFile(pidFile, "utf8"));
    expect(alive(pid)).toBe(true);
    const result = await probing;
    expect(result).toMatchObject({ ok: false, detail: "timed out after 500 ms" });
    expect(result.durationMs).toBeLessThan(1500);
    await expect.poll(() => alive(pid), { timeout: 1000 }).toBe(false);
  });

  it("gets the target as HOST and PORT, and none of the platform's environment", async () => {
    process.env.SKYPANEL_TEST_SECRET = "hunter2";
    expect(await sh('test "$HOST:$PORT" = 127.0.0.1:4321 && test -z "$SKYPANEL_TEST_SECRET"')).toMatchObject({ ok: true });
  });

  it("reports a command that cannot start", async () => {
    const result = await runProbe({ kind: "command", command: "/nonexistent/check", args: [] }, at(1), { timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/Cannot run \/nonexistent\/check: .*ENOENT/);
  });
});
