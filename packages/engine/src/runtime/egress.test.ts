// An app's egress policy, from inside its instance: what it reaches in a network namespace the
// test makes as "the outside", and what it never reaches whatever the policy (real netns, nftables).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecked } from "../process/run.ts";
import { applyInstanceEgress } from "./egress.ts";
import type { EgressPolicy } from "./egress-policy.ts";
import type { Instance } from "./instance.ts";
import { IP } from "./network.ts";
import { addProbeApp, probe, testRuntime, testSpec } from "./testing.ts";

/** The benchmark range (RFC 2544): never anyone's real network. */
const OUTSIDE_HOST_END = "198.18.0.1";
const OUTSIDE = "198.18.0.2";
const OPEN_PORT = 8080;
const OTHER_PORT = 8081;

const LISTENER = `
const net = require("node:net");
let up = 0;
for (const port of [${OPEN_PORT}, ${OTHER_PORT}]) {
  net.createServer((s) => { s.on("error", () => {}); s.end("hi"); }).listen(port, "${OUTSIDE}", () => { if (++up === 2) console.log("ready"); });
}
`;

interface Connect {
  ok: boolean;
  error?: string;
}

function listenOn(host: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end("hello\n"));
    server.listen(0, host, () => resolve(server));
  });
}

describe("runtime: egress policy per app (real network namespaces, nftables and NAT)", () => {
  const appA = addProbeApp();
  const appB = addProbeApp();
  const t = testRuntime();
  const tag = randomBytes(3).toString("hex");
  const outsideNs = `sp-test-out-${tag}`;
  const outsideVeth = `spto${tag}`;
  let listener: ChildProcess | undefined;
  let hostServer: Server;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    await runChecked(IP, ["netns", "add", outsideNs]);
    await runChecked(IP, ["-batch", "-"], {
      input: [
        `link add ${outsideVeth} type veth peer name eth0 netns ${outsideNs}`,
        `addr add ${OUTSIDE_HOST_END}/30 dev ${outsideVeth}`,
        `link set ${outsideVeth} up`,
        "",
      ].join("\n"),
    });
    await runChecked(IP, ["-n", outsideNs, "-batch", "-"], {
      input: `link set lo up\naddr add ${OUTSIDE}/30 dev eth0\nlink set eth0 up\n`,
    });
    listener = spawn(IP, ["netns", "exec", outsideNs, process.execPath, "-e", LISTENER], { stdio: ["ignore", "pipe", "inherit"] });
    const ready = new Promise<void>((resolve) => listener?.stdout?.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    // A listener on the host's own end of the outside link: host-local, so never an instance's to reach.
    [hostServer] = await Promise.all([listenOn(OUTSIDE_HOST_END), ready]);
    [a, b] = await Promise.all([
      t.runtime.startInstance(testSpec(appA.storePath, { appName: "egress-a" })),
      t.runtime.startInstance(testSpec(appB.storePath, { appName: "egress-b", egress: { mode: "allow", rules: [] } })),
    ]);
    await Promise.all([probe(a, "/"), probe(b, "/")]);
  });

  // The host's forwarding stays on after this test, behind the guard table, as the platform leaves
  // it after the first instance allowed out (firewall.ts's ensureForwarding): not put back, since
  // another test file may be using it at the same time.
  afterAll(async () => {
    if (listener?.pid) process.kill(listener.pid);
    hostServer?.close();
    await t.cleanup();
    appA.remove();
    appB.remove();
    spawnSync(IP, ["link", "delete", outsideVeth]);
    spawnSync(IP, ["netns", "delete", outsideNs]);
  });

  const from = (instance: Instance, host: string, port: number) => probe<Connect>(instance, `/connect?host=${host}&port=${port}`);
  const hostPort = () => (hostServer.address() as { port: number }).port;

  /**
   * What the platform keeps out of reach in every mode: a host-local port (on the outside link's
   * host end, and on the instance's own), another instance. Without a default route (deny) the
   * first and last are not even routed. (Each refusal is an ICMP error, which the kernel sends at
   * most 6 in a burst to one address: the tests below stay under that per instance.)
   */
  async function neverReached(instance: Instance, other: Instance, unrouted: "ENETUNREACH" | "EHOSTUNREACH") {
    const outcomes = await Promise.all([
      from(instance, OUTSIDE_HOST_END, hostPort()),
      from(instance, instance.network?.hostAddress ?? "", hostPort()),
      from(instance, other.address, other.port),
    ]);
    expect(outcomes).toEqual([
      { ok: false, error: unrouted },
      { ok: false, error: "EHOSTUNREACH" },
      { ok: false, error: unrouted },
    ]);
  }

  it("deny (the default): nothing goes out, at once, and the host and other instances stay out of reach", async () => {
    const outcomes = await Promise.all([from(a, OUTSIDE, OPEN_PORT), from(a, OUTSIDE, OTHER_PORT)]);
    expect(outcomes).toEqual([
      { ok: false, error: "ENETUNREACH" },
      { ok: false, error: "ENETUNREACH" },
    ]);
    await neverReached(a, b, "ENETUNREACH");
  });

  it("allow, set at start: anything outside is reached (the outside has no route back but to the host: masqueraded), never the platform", async () => {
    expect(await from(b, OUTSIDE, OPEN_PORT)).toEqual({ ok: true });
    expect(await from(b, OUTSIDE, OTHER_PORT)).toEqual({ ok: true });
    await neverReached(b, a, "EHOSTUNREACH");
    // An app's service address is translated only for the host's own traffic: never forwarded out from here.
    expect(await from(b, "10.214.0.9", 80)).toEqual({ ok: false, error: "EHOSTUNREACH" });
  });

  it("allowlist, applied to the running instance: only the listed address and port are reached", async () => {
    const policy: EgressPolicy = { mode: "allowlist", rules: [{ cidr: `${OUTSIDE}/32`, ports: { from: OPEN_PORT, to: OPEN_PORT } }] };
    expect(await applyInstanceEgress(a, policy)).toBe(true);
    expect(await from(a, OUTSIDE, OPEN_PORT)).toEqual({ ok: true });
    expect(await from(a, OUTSIDE, OTHER_PORT)).toEqual({ ok: false, error: "EHOSTUNREACH" });
    await neverReached(a, b, "EHOSTUNREACH");
  });

  it("allow and back to deny on the running instance: the change takes effect without a restart", async () => {
    await applyInstanceEgress(a, { mode: "allow", rules: [] });
    expect(await from(a, OUTSIDE, OTHER_PORT)).toEqual({ ok: true });
    await applyInstanceEgress(a, { mode: "deny", rules: [] });
    expect(await from(a, OUTSIDE, OPEN_PORT)).toEqual({ ok: false, error: "ENETUNREACH" });
    // Whatever the mode, the host end's rules still refuse the platform's own ports.
    expect(await from(a, "127.0.0.1", 5432)).toMatchObject({ ok: false, error: "ECONNREFUSED" });
  });
});
