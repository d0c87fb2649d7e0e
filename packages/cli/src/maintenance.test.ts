// maintenance, maintenance:on, maintenance:off: what the CLI sends and prints, against a recording
// stub server (not the platform: apps/bff/src/rest/maintenance.test.ts has the platform's checks
// and Caddy serving the page).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type Stub, stubServer } from "./testing/io.ts";

describe("skypanel maintenance (recording stub server, not the platform)", () => {
  let stub: Stub;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let saved = { enabled: false, page: null as string | null, servedPage: "<p>default</p>", retryAfterSeconds: 60, routed: true };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "skypanel-cli-maintenance-"));
    writeFileSync(join(dir, "page.html"), "<h1>Back at { noon } — ✓</h1>\n");
    writeFileSync(join(dir, "huge.html"), "x".repeat(64 * 1024 + 1));
    stub = await stubServer((req, body) => {
      if (req.method === "PUT") saved = { ...saved, ...JSON.parse(body) };
      return { body: saved };
    });
    env = { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "t0ken" };
  });
  afterAll(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sent = () => stub.requests.map((r) => `${r.method} ${r.url} ${r.body}`);

  it("shows the state, turns it on with the page file as-is and a Retry-After, back to the default page, and off", async () => {
    expect(await runCli(["maintenance", "-a", "quiet"], { env })).toMatchObject({ code: 0, stdout: "quiet is not in maintenance.\n" });
    const on = await runCli(["maintenance:on", "--page", "page.html", "--retry-after", "300", "-a", "quiet"], { env, cwd: dir });
    expect(on).toMatchObject({
      code: 0,
      stderr: "",
      stdout: "quiet is in maintenance: visitors get 503 with its own page (Retry-After: 300 s).\n",
    });
    expect(await runCli(["maintenance:on", "--default-page", "-a", "quiet"], { env })).toMatchObject({
      stdout: "quiet is in maintenance: visitors get 503 with the default page (Retry-After: 300 s).\n",
    });
    expect(await runCli(["maintenance:off", "-a", "quiet"], { env })).toMatchObject({ code: 0, stdout: "quiet is not in maintenance.\n" });
    expect(sent()).toEqual([
      "GET /api/apps/quiet/maintenance ",
      `PUT /api/apps/quiet/maintenance ${JSON.stringify({ enabled: true, page: "<h1>Back at { noon } — ✓</h1>\n", retryAfterSeconds: 300 })}`,
      `PUT /api/apps/quiet/maintenance ${JSON.stringify({ enabled: true, page: null })}`,
      `PUT /api/apps/quiet/maintenance ${JSON.stringify({ enabled: false })}`,
    ]);
  });

  it("refuses a missing or too large page file and a Retry-After that is not whole seconds, sending nothing", async () => {
    const before = stub.requests.length;
    const cases: [string[], RegExp][] = [
      [["--page", "nope.html"], /cannot read "nope.html"/],
      [["--page", "huge.html"], /65537 bytes; a maintenance page is at most 65536/],
      [["--retry-after", "soon"], /--retry-after takes a whole number of seconds/],
      [["--retry-after", "-5"], /--retry-after takes a whole number/],
      [["--retry-after", "1.5"], /--retry-after takes a whole number/],
      [["--page", "page.html", "--default-page"], /not both/],
    ];
    for (const [flags, message] of cases) {
      const res = await runCli(["maintenance:on", ...flags, "-a", "quiet"], { env, cwd: dir });
      expect(res.code, flags.join(" ")).toBe(2);
      expect(res.stderr, flags.join(" ")).toMatch(message);
    }
    expect(stub.requests.length).toBe(before);
  });
});
