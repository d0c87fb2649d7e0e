// The apps' own `.localhost` names over HTTPS with Caddy's local CA (Debian's caddy, loopback):
// a client that trusts that CA's root, read from Caddy's storage, gets the app; TLS 1.2/1.3 only.
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caddyPaths } from "./caddy-process.ts";
import { createRouter, type Router } from "./router.ts";
import { freePort, servedBy, type TestUpstream, tempHome, testUpstreams, waitFor } from "./testing.ts";

function httpsGet(o: { port: number; hostname: string; ca: string }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: o.port, path: "/", servername: o.hostname, headers: { host: o.hostname }, ca: o.ca, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

describe("apps' .localhost names over HTTPS from Caddy's local CA (real Caddy on loopback)", () => {
  const home = tempHome();
  const upstreams = testUpstreams();
  let router: Router;
  let httpPort: number;
  let httpsPort: number;
  let app: TestUpstream;

  beforeAll(async () => {
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    router = createRouter({ home: home.home, settings: { httpPort, httpHost: "127.0.0.1", localTls: { httpsPort } } });
    app = await upstreams.start("a");
  });
  afterAll(async () => {
    await router?.stop();
    await upstreams.stopAll();
    home.remove();
  });

  it("serves https://<app>.localhost with a certificate the local CA's root verifies, and still HTTP", async () => {
    await router.apply([{ appName: "shop", hostnames: [], upstreams: [{ dial: app.dial }], policy: "round_robin" }]);
    const rootFile = join(caddyPaths(home.home).dataDir, "pki", "authorities", "local", "root.crt");
    const root = await waitFor("the local CA's root", async () => (existsSync(rootFile) ? readFileSync(rootFile, "utf8") : undefined));
    const page = await waitFor(
      "the certificate for shop.localhost",
      async () => httpsGet({ port: httpsPort, hostname: "shop.localhost", ca: root }).catch(() => undefined),
      20_000,
    );
    expect(page.status).toBe(200);
    expect(servedBy({ status: page.status, body: page.body, headers: {} } as Parameters<typeof servedBy>[0])).toBe("a");
    // Without the root the certificate is not trusted: it is the local CA's, not a public one.
    await expect(httpsGet({ port: httpsPort, hostname: "shop.localhost", ca: "" })).rejects.toThrow(/certificate/);
    // An unknown name gets no certificate at all.
    await expect(httpsGet({ port: httpsPort, hostname: "other.localhost", ca: root })).rejects.toThrow();
  });
});
