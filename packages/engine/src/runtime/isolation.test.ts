// Two apps side by side: what one can see and reach of the other and of the host (real netns, nftables).
import { randomBytes } from "node:crypto";
import { connect, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDON_GATEWAY, GATEWAY_PORTS } from "../addons/gateway-address.ts";
import { runChecked } from "../process/run.ts";
import type { Instance } from "./instance.ts";
import { IP } from "./network.ts";
import { addProbeApp, probe, testRuntime, testSpec } from "./testing.ts";

interface Connect {
  ok: boolean;
  error?: string;
}

function listen(host: string): Promise<Server> {
  return listenOn(host, 0);
}

function listenOn(host: string, port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.on("error", () => {});
      socket.end("hello\n");
    });
    server.listen(port, host, () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

/** Connects from the host itself: the control that shows a listener is really there. */
function hostConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("runtime: isolation between apps and from the host (real network namespaces and nftables)", () => {
  const appA = addProbeApp();
  const appB = addProbeApp();
  const t = testRuntime();
  const marker = `marker-${randomBytes(4).toString("hex")}`;
  let a: Instance;
  let b: Instance;
  let loopbackServer: Server;
  let anyAddressServer: Server;

  beforeAll(async () => {
    [a, b, loopbackServer, anyAddressServer] = await Promise.all([
      t.runtime.startInstance(testSpec(appA.storePath, { appName: "app-a" })),
      t.runtime.startInstance(testSpec(appB.storePath, { appName: "app-b", command: `node server.js web ${marker}` })),
      listen("127.0.0.1"),
      listen("0.0.0.0"),
    ]);
    await Promise.all([probe(a, "/"), probe(b, "/")]);
  });
  afterAll(async () => {
    loopbackServer?.close();
    anyAddressServer?.close();
    await t.cleanup();
    appA.remove();
    appB.remove();
  });

  const fromA = (host: string, port: number) => probe<Connect>(a, `/connect?host=${host}&port=${port}`);

  it("runs each app as its own user, and A cannot see B's processes", async () => {
    const [helloA, helloB] = await Promise.all([probe<{ uid: number }>(a, "/"), probe<{ uid: number }>(b, "/")]);
    expect(helloA.uid).not.toBe(helloB.uid);
    const seenByA = await probe<{ pid: number; cmdline: string }[]>(a, "/processes");
    expect(seenByA.map((p) => p.pid).sort()).toEqual([1, 2]);
    expect(JSON.stringify(seenByA)).not.toContain(marker);
    // B's own view does show its marker: the probe would notice.
    expect(JSON.stringify(await probe(b, "/processes"))).toContain(marker);
  });

  it("A cannot read B's artifact or B's /tmp", async () => {
    expect(await probe(b, "/write?path=/tmp/b-secret")).toEqual({ ok: true });
    expect(await probe(a, "/read?path=/tmp/b-secret")).toMatchObject({ ok: false, error: "ENOENT" });
    expect(await probe(a, `/read?path=${appB.storePath}/app/server.js`)).toMatchObject({ ok: false, error: "ENOENT" });
  });

  it("A cannot connect to B, though the host can", async () => {
    expect(await hostConnects(b.address, b.port)).toBe(true);
    expect(await fromA(b.address, b.port)).toMatchObject({ ok: false });
    expect(await fromA(b.network?.hostAddress ?? "", portOf(anyAddressServer))).toMatchObject({ ok: false });
  });

  it("A cannot reach the host: not its loopback (PostgreSQL, a test server), not its own veth's host end", async () => {
    expect(await hostConnects("127.0.0.1", portOf(loopbackServer))).toBe(true);
    expect(await fromA("127.0.0.1", portOf(loopbackServer))).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    expect(await fromA("127.0.0.1", 5432)).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    // The host end is on A's own link, so this one is stopped by the firewall, not by routing.
    const hostEnd = a.network?.hostAddress ?? "";
    expect(await hostConnects(hostEnd, portOf(anyAddressServer))).toBe(true);
    expect(await fromA(hostEnd, portOf(anyAddressServer))).toMatchObject({ ok: false, error: "EHOSTUNREACH" });
    // But A still reaches itself on its own loopback and address.
    expect(await fromA("127.0.0.1", a.port)).toEqual({ ok: true });
    expect(await fromA(a.address, a.port)).toEqual({ ok: true });
  });

  it("A reaches the add-on gateway's address on the gateway ports only", async () => {
    // Listeners on the gateway address, as the add-on gateway makes them: one inside its port
    // range, one just outside it (what any host service bound to every address would look like).
    await runChecked(IP, ["addr", "replace", `${ADDON_GATEWAY}/32`, "dev", "lo"]);
    const inside = await listenOn(ADDON_GATEWAY, GATEWAY_PORTS.last);
    const outside = await listenOn(ADDON_GATEWAY, GATEWAY_PORTS.last + 1);
    try {
      expect(await hostConnects(ADDON_GATEWAY, GATEWAY_PORTS.last + 1)).toBe(true);
      expect(await fromA(ADDON_GATEWAY, GATEWAY_PORTS.last)).toEqual({ ok: true });
      expect(await fromA(ADDON_GATEWAY, GATEWAY_PORTS.last + 1)).toMatchObject({ ok: false, error: "EHOSTUNREACH" });
      // The route to the gateway leads nowhere else: the host's loopback stays out of reach.
      expect(await fromA("127.0.0.1", 5432)).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    } finally {
      inside.close();
      outside.close();
    }
  });
});
