// SkyPanel's static file server (buildpacks/support/static-server.mjs) on its own: started on a
// free loopback port over a site written for the test, asked with bounded requests.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILDPACKS_DIR } from "../nix/index.ts";
import { freePort } from "../process/free-port.ts";
import { httpGet, type TestResponse } from "../router/testing.ts";

const SERVER = join(BUILDPACKS_DIR, "support", "static-server.mjs");
const HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

function site(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "skypanel-static-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Starts the server and resolves once it says it listens; a GET helper bound to its port. */
async function serve(
  args: string[],
): Promise<{ child: ChildProcess; get: (path: string, headers?: Record<string, string>, method?: string) => Promise<TestResponse> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER, ...args], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the static server did not start within 10 s")), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("serving")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`the static server exited with ${code}`)));
  });
  const get = (path: string, headers: Record<string, string> = {}, method = "GET"): Promise<TestResponse> =>
    httpGet({ port, host: "localhost", path, headers, method });
  return { child, get };
}

describe("static-server.mjs, plain static site", () => {
  let root: string;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    root = site({
      "index.html": "<p>home</p>",
      "docs/index.html": "<p>docs</p>",
      "style.css": "p{}",
      "404.html": "<p>custom not found</p>",
      ".env": "SECRET=1",
      "assets/index-BQmOqFaP.js": "console.log(1)",
    });
    symlinkSync("/etc/passwd", join(root, "passwd"));
    server = await serve([root]);
  });
  afterAll(() => {
    server.child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("serves files with their type, an ETag and revalidation, and 304 on a matching If-None-Match", async () => {
    const home = await server.get("/");
    expect(home).toMatchObject({ status: 200, body: "<p>home</p>" });
    expect(home.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "public, max-age=0, must-revalidate",
    });
    const again = await server.get("/", { "if-none-match": String(home.headers.etag) });
    expect(again.status).toBe(304);
    expect((await server.get("/style.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("redirects a directory to its trailing slash and serves its index.html", async () => {
    expect(await server.get("/docs")).toMatchObject({ status: 301, headers: { location: "/docs/" } });
    expect(await server.get("/docs/")).toMatchObject({ status: 200, body: "<p>docs</p>" });
  });

  it("answers a missing page with the site's 404.html, even to a browser: no SPA fallback without --spa", async () => {
    expect(await server.get("/some/client/route", { accept: HTML })).toMatchObject({ status: 404, body: "<p>custom not found</p>" });
  });

  it("never serves dotfiles, links out of the site or paths that climb out", async () => {
    expect((await server.get("/.env")).status).toBe(404);
    expect((await server.get("/passwd")).status).toBe(404);
    expect((await server.get(`/${"..%2f".repeat(12)}etc%2fpasswd`)).status).toBe(404);
    expect((await server.get("/", {}, "POST")).status).toBe(405);
  });

  it("keeps hashed assets on revalidation outside SPA mode", async () => {
    const asset = await server.get("/assets/index-BQmOqFaP.js");
    expect(asset.headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
  });
});

describe("static-server.mjs --spa, a single-page app", () => {
  let root: string;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    root = site({
      "index.html": '<div id="root"></div><script src="/assets/index-BQmOqFaP.js"></script>',
      "assets/index-BQmOqFaP.js": "console.log(1)",
      "assets/logo-original.png": "png",
      "favicon.svg": "<svg/>",
      ".env": "SECRET=1",
    });
    server = await serve(["--spa", root]);
  });
  afterAll(() => {
    server.child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  });

  it("serves index.html on / with no-cache, so a new release is seen at once", async () => {
    const home = await server.get("/", { accept: HTML });
    expect(home).toMatchObject({ status: 200, body: expect.stringContaining('<div id="root">') });
    expect(home.headers["cache-control"]).toBe("no-cache");
  });

  it("answers a client-side route a browser asks for with index.html and 200", async () => {
    const route = await server.get("/some/client/route?tab=2", { accept: HTML });
    expect(route).toMatchObject({ status: 200, body: expect.stringContaining('<div id="root">') });
    expect(route.headers).toMatchObject({ "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
    expect((await server.get("/some/client/route", { accept: HTML }, "HEAD")).status).toBe(200);
  });

  it("keeps 404 for a missing asset, and for a route asked for by something that does not accept HTML", async () => {
    expect((await server.get("/assets/missing-abc123.js", { accept: "*/*" })).status).toBe(404);
    expect((await server.get("/some/client/route", { accept: "application/json" })).status).toBe(404);
    expect((await server.get("/some/client/route")).status).toBe(404);
  });

  it("caches hashed assets for a year as immutable, and nothing else", async () => {
    expect((await server.get("/assets/index-BQmOqFaP.js")).headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await server.get("/assets/logo-original.png")).headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
    expect((await server.get("/favicon.svg")).headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
  });

  it("keeps dotfiles 404 in SPA mode", async () => {
    const env = await server.get("/.env", { accept: "*/*" });
    expect(env.status).toBe(404);
    expect(env.body).not.toContain("SECRET");
  });
});
