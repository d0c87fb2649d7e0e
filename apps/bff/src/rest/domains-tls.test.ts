import { spawnSync } from "node:child_process";
import { request } from "node:https";
import type { SecureVersion } from "node:tls";
import { type MockDns, startAcmeCa, startMockDns, type TestAcmeCa } from "@skypanel/engine/domains-testing";
import { freePort, httpGet, waitFor } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseTinyApp, type TestBff } from "../testing.ts";

/** GET https://<hostname>:<port>/ on 127.0.0.1, with SNI, trusting only `ca`. */
function httpsGet(o: { port: number; hostname: string; ca: string; maxVersion?: SecureVersion; minVersion?: SecureVersion }) {
  return new Promise<{ status: number; body: string; protocol: string | null; hsts: string | undefined }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: o.port,
        path: "/",
        servername: o.hostname,
        headers: { host: o.hostname },
        ca: o.ca,
        agent: false,
        ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
        // TLS 1.1 needs the lowest security level to be offered at all by this client.
        ...(o.minVersion ? { minVersion: o.minVersion, ciphers: "DEFAULT@SECLEVEL=0" } : {}),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            protocol: (res.socket as import("node:tls").TLSSocket).getProtocol?.() ?? null,
            hsts: res.headers["strict-transport-security"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * The platform (process runtime, Caddy with ACME on) beside a mock DNS and a pebble CA, with one
 * released app. `caHttpPort` is where pebble checks HTTP-01 (default: Caddy's HTTP port).
 */
async function startTlsPlatform(appName: string, caHttpPort?: number) {
  // Undone last-first by stop(), or at once when the set-up fails half-way.
  const undo: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const dns = await startMockDns();
    undo.push(() => dns.stop());
    const ca = await startAcmeCa({ dnsServer: dns.server, httpPort: caHttpPort ?? httpPort });
    undo.push(() => ca.stop());
    const t = await createTestBff("pglite", {
      runtime: {
        mode: "process",
        router: {
          httpPort,
          baseDomain: "localhost",
          tls: { httpsPort, acmeDirectory: ca.directory, acmeTrustedRoots: [ca.listenerCertFile] },
        },
        reconcileIntervalMs: 500,
      },
      domains: { dnsServers: [dns.server], publicIps: ["127.0.0.1"], timeoutMs: 500 },
    });
    undo.push(
      () => t.close(),
      () => t.engine.running?.shutdown(),
    );
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    const token = await t.login("ops@example.com");
    const appId = (await t.rest("POST", "/api/apps", { token, body: { name: appName } })).body.id;
    const storePath = await releaseTinyApp(t, token, appId, `${appName} app`);
    undo.unshift(() => spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" }));
    return { dns, ca, t, token, httpPort, httpsPort, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// Real Caddy, real ACME: Debian's pebble issues the certificate after validating HTTP-01 on
// Caddy's HTTP port, finding the domain's address through pebble-challtestsrv. All on loopback.
describe("a custom domain gets a certificate from an ACME CA (pebble) and is served over HTTPS (process runtime; PGlite)", {
  timeout: 180_000,
}, () => {
  let platform: Awaited<ReturnType<typeof startTlsPlatform>>;
  let dns: MockDns;
  let ca: TestAcmeCa;
  let t: TestBff;
  let token: string;
  let httpPort: number;
  let httpsPort: number;

  beforeAll(async () => {
    platform = await startTlsPlatform("secure");
    ({ dns, ca, t, token, httpPort, httpsPort } = platform);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it("checks DNS, obtains the certificate, reports its expiry, and serves the app over TLS 1.2/1.3 with it", async () => {
    await waitFor(
      "the app behind Caddy",
      async () => ((await httpGet({ port: httpPort, host: "secure.localhost" })).status === 200 ? true : undefined),
      60_000,
    );
    await dns.addA("www.tls-example.com", ["127.0.0.1"]);
    expect((await t.rest("POST", "/api/apps/secure/domains", { token, body: { domain: "www.tls-example.com" } })).status).toBe(201);

    const issued = await waitFor(
      "the certificate",
      async () => {
        const res = await t.rest("POST", "/api/apps/secure/domains/www.tls-example.com/ssl", { token });
        expect(res.status).toBe(200);
        return res.body.tlsStatus === "issued" ? res.body : undefined;
      },
      90_000,
    );
    expect(issued).toMatchObject({ hostname: "www.tls-example.com", dnsStatus: "ok", tlsStatus: "issued", error: null });
    expect(new Date(issued.certExpiresAt).getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);

    const root = await ca.issuingRoot();
    const page = await httpsGet({ port: httpsPort, hostname: "www.tls-example.com", ca: root });
    expect(page).toMatchObject({ status: 200, body: "secure app saw www.tls-example.com" });
    expect(["TLSv1.2", "TLSv1.3"]).toContain(page.protocol);
    expect((await httpsGet({ port: httpsPort, hostname: "www.tls-example.com", ca: root, maxVersion: "TLSv1.2" })).protocol).toBe(
      "TLSv1.2",
    );
    // Caddy itself refuses TLS 1.1 (a protocol_version alert from the server, not a client-side refusal).
    const old = await httpsGet({
      port: httpsPort,
      hostname: "www.tls-example.com",
      ca: root,
      minVersion: "TLSv1",
      maxVersion: "TLSv1.1",
    }).catch((e: NodeJS.ErrnoException) => e);
    expect((old as Error).message).toMatch(/ssl3_read_bytes:tlsv1 alert protocol version/);

    // HSTS is the user's choice: off until turned on, then on the HTTPS answers only.
    expect(page.hsts).toBeUndefined();
    const path = "/api/apps/secure/domains/www.tls-example.com";
    expect((await t.rest("PATCH", path, { token, body: { hsts: "yes" } })).status).toBe(400);
    expect((await t.rest("PATCH", path, { token, body: { hsts: true } })).body).toMatchObject({ hsts: true });
    const strict = await waitFor(
      "the HSTS header",
      async () => {
        const res = await httpsGet({ port: httpsPort, hostname: "www.tls-example.com", ca: root });
        return res.hsts ? res : undefined;
      },
      10_000,
    );
    expect(strict).toMatchObject({ status: 200, hsts: "max-age=31536000" });
    expect((await httpGet({ port: httpPort, host: "www.tls-example.com" })).headers["strict-transport-security"]).toBeUndefined();
  });

  it("asks for no certificate while a domain's DNS points elsewhere, and serves it over HTTP only", async () => {
    await dns.setCname("old.tls-example.com", "shop.herokudns.example");
    const added = await t.rest("POST", "/api/apps/secure/domains", { token, body: { domain: "old.tls-example.com" } });
    expect(added.status).toBe(201);
    const checked = await t.rest("POST", "/api/apps/secure/domains/old.tls-example.com/check", { token });
    expect(checked.body).toMatchObject({ dnsStatus: "wrong", tlsStatus: "none", certExpiresAt: null });
    expect(checked.body.error).toMatch(/CNAME to shop\.herokudns\.example; expected a CNAME to secure\.localhost/);
    await waitFor(
      "the HTTP route",
      async () => ((await httpGet({ port: httpPort, host: "old.tls-example.com" })).status === 200 ? true : undefined),
      10_000,
    );
    const root = await ca.issuingRoot();
    await expect(httpsGet({ port: httpsPort, hostname: "old.tls-example.com", ca: root })).rejects.toThrow();
  });
});

describe("an ACME order that fails shows as a certificate error with the CA's reason (pebble; process runtime; PGlite)", {
  timeout: 180_000,
}, () => {
  let platform: Awaited<ReturnType<typeof startTlsPlatform>>;

  beforeAll(async () => {
    // The CA checks HTTP-01 on a loopback port nothing listens on: every validation is refused.
    platform = await startTlsPlatform("unlucky", await freePort());
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it("reports tlsStatus error and why, instead of pending for ever", async () => {
    const { dns, t, token } = platform;
    await dns.addA("www.fail-example.com", ["127.0.0.1"]);
    expect((await t.rest("POST", "/api/apps/unlucky/domains", { token, body: { domain: "www.fail-example.com" } })).status).toBe(201);
    const failed = await waitFor(
      "the failed order",
      async () => {
        const res = await t.rest("POST", "/api/apps/unlucky/domains/www.fail-example.com/check", { token });
        return res.body.tlsStatus === "error" ? res.body : undefined;
      },
      90_000,
    );
    expect(failed).toMatchObject({ dnsStatus: "ok", tlsStatus: "error", certExpiresAt: null });
    expect(failed.error).toMatch(/The ACME CA refused a certificate for www\.fail-example\.com/);
    expect(failed.error).toMatch(/connection|refused/i);
  });
});
