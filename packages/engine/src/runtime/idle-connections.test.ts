// The idle filter over `ss -tniH state established` output (fixtures as ss 6.1 prints them),
// and one pass against real sockets in a network namespace this test makes.
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeIdleConnections, isIdle, parseConnections, type TcpConnection } from "./idle-connections.ts";
import { IP } from "./network.ts";

const detail = (extra: string) =>
  `\t bbr wscale:10,10 rto:204 rtt:0.016/0.007 ato:40 mss:32768 cwnd:11 bytes_sent:124 bytes_acked:124 bytes_received:64 ${extra} app_limited rcv_space:65483`;

describe("parseConnections", () => {
  it("reads IPv4 and IPv4-mapped connections with their last send and receive", () => {
    const output = [
      "0      0          10.213.0.2:5000    10.213.0.1:40312",
      detail("send 180224000000bps lastsnd:636 lastrcv:640 lastack:636 pacing_rate 440687409024bps"),
      "0      0      [::ffff:10.213.0.2]:5000 [::ffff:10.213.0.1]:40314",
      detail("lastsnd:8 lastrcv:4 lastack:8"),
      "",
    ].join("\n");
    expect(parseConnections(output)).toEqual([
      {
        recvQ: 0,
        sendQ: 0,
        local: { address: "10.213.0.2", port: 5000 },
        peer: { address: "10.213.0.1", port: 40312 },
        lastSendMs: 636,
        lastReceiveMs: 640,
      },
      {
        recvQ: 0,
        sendQ: 0,
        local: { address: "[::ffff:10.213.0.2]", port: 5000 },
        peer: { address: "[::ffff:10.213.0.1]", port: 40314 },
        lastSendMs: 8,
        lastReceiveMs: 4,
      },
    ]);
  });

  it("takes a left-out lastsnd or lastrcv as 0 ms (ss prints only non-zero ones)", () => {
    const [c] = parseConnections(["0 0 127.0.0.1:5000 127.0.0.1:5001", detail("lastrcv:12")].join("\n"));
    expect(c).toMatchObject({ lastSendMs: 0, lastReceiveMs: 12 });
  });

  it("skips what it does not understand: headers, garbage, odd addresses and ports, a connection without its details", () => {
    const output = [
      "Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
      detail("lastsnd:1 lastrcv:9"), // details with no connection before them
      "0 0 10.213.0.2:5000", // no peer
      detail("lastsnd:1 lastrcv:9"),
      "x 0 10.213.0.2:5000 10.213.0.1:1",
      detail("lastsnd:1 lastrcv:9"),
      "-1 0 10.213.0.2:5000 10.213.0.1:2",
      detail("lastsnd:1 lastrcv:9"),
      "0 0 10.213.0.2:5000 10.213.0.1:99999",
      detail("lastsnd:1 lastrcv:9"),
      "0 0 10.213.0.2:5000 10.213.0.1:0",
      detail("lastsnd:1 lastrcv:9"),
      // An address that would change the meaning of the ss filter it is written into.
      "0 0 10.213.0.2:5000 10.213.0.1)or(sport:3",
      detail("lastsnd:1 lastrcv:9"),
      "0 0 10.213.0.2:5000 [::1]or(dport=:1]:4",
      detail("lastsnd:1 lastrcv:9"),
      "0 0 *:5000 10.213.0.1:5",
      detail("lastsnd:1 lastrcv:9"),
      "0 0 10.213.0.2:5000 10.213.0.1:6", // its details never come
      '0 0 10.213.0.2:5000 10.213.0.1:7 users:(("node",pid=1,fd=20))',
      detail("lastsnd:abc lastrcv:-4"), // unreadable values: 0
      "\u0000\u0007 binary \uFFFD",
    ].join("\n");
    expect(parseConnections(output)).toEqual([
      {
        recvQ: 0,
        sendQ: 0,
        local: { address: "10.213.0.2", port: 5000 },
        peer: { address: "10.213.0.1", port: 7 },
        lastSendMs: 0,
        lastReceiveMs: 0,
      },
    ]);
    expect(parseConnections("")).toEqual([]);
  });
});

describe("isIdle", () => {
  const c = (fields: Partial<TcpConnection>): TcpConnection => ({
    local: { address: "10.213.0.2", port: 5000 },
    peer: { address: "10.213.0.1", port: 40000 },
    recvQ: 0,
    sendQ: 0,
    lastSendMs: 4,
    lastReceiveMs: 8,
    ...fields,
  });

  it("idle: the response went out after the last request came in, nothing queued", () => {
    expect(isIdle(c({}))).toBe(true);
  });
  it("busy: a request came in after the last send (the app is working on it)", () => {
    expect(isIdle(c({ lastSendMs: 8, lastReceiveMs: 4 }))).toBe(false);
  });
  it("busy: bytes unread or unacknowledged", () => {
    expect(isIdle(c({ recvQ: 1 }))).toBe(false);
    expect(isIdle(c({ sendQ: 1 }))).toBe(false);
  });
  it("a tie within one kernel tick counts as idle only after a quiet second", () => {
    expect(isIdle(c({ lastSendMs: 4, lastReceiveMs: 4 }))).toBe(false);
    expect(isIdle(c({ lastSendMs: 996, lastReceiveMs: 996 }))).toBe(false);
    expect(isIdle(c({ lastSendMs: 1000, lastReceiveMs: 1000 }))).toBe(true);
  });
});

// In the namespace: a server on PORT, and a client with two kept-alive connections, one idle
// after its response, one waiting on a slow response; the slow one finishes when told on stdin.
const PORT = 5000;
const SCENE = `
import http from "node:http";
import { createInterface } from "node:readline";
let finish;
const server = http.createServer((req, res) => {
  if (req.url === "/slow") finish = () => res.end("slow done");
  else setTimeout(() => res.end("fast done"), 20); // its send a few kernel ticks after the request
}).listen(${PORT}, "127.0.0.1");
const agent = new http.Agent({ keepAlive: true });
const closed = [];
const get = (path) => new Promise((resolve, reject) => {
  const req = http.get({ host: "127.0.0.1", port: ${PORT}, path, agent }, (res) => {
    let body = "";
    res.on("data", (c) => (body += c));
    res.on("end", () => resolve(body));
    res.on("error", reject);
  });
  req.on("socket", (s) => s.once("close", () => closed.push(path)));
  req.on("error", (e) => resolve("error " + e.code));
});
await new Promise((r) => server.once("listening", r));
// The slow one first: the fast one then needs a connection of its own.
const slow = get("/slow");
while (!finish) await new Promise((r) => setTimeout(r, 5));
const fast = await get("/fast");
console.log("ready " + fast);
for await (const line of createInterface({ input: process.stdin })) {
  finish();
  console.log(JSON.stringify({ slow: await slow, closed }));
  break;
}
agent.destroy();
server.close();
`;

describe("closeIdleConnections in a network namespace of its own (real sockets, ss -K)", () => {
  const netns = `sp-idle-test-${process.pid}`;

  beforeAll(() => {
    execFileSync(IP, ["netns", "add", netns]);
    execFileSync(IP, ["-n", netns, "link", "set", "lo", "up"]);
  });
  afterAll(() => {
    execFileSync(IP, ["netns", "delete", netns]);
  });

  it("closes the idle kept-alive connection and leaves the one with a request in flight to finish", async () => {
    const scene = spawn(IP, ["netns", "exec", netns, process.execPath, "--input-type=module", "-e", SCENE], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      const lines = createInterface({ input: scene.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe("ready fast done");
      // The other namespace's port is left alone: nothing of this one is there.
      expect(await closeIdleConnections({ namespace: null, port: PORT + 1 })).toBe(0);
      expect(await closeIdleConnections({ namespace: netns, port: PORT })).toBe(1);
      // Once more: the busy one is still busy, the idle one is gone.
      expect(await closeIdleConnections({ namespace: netns, port: PORT })).toBe(0);
      scene.stdin.write("finish\n");
      const result = JSON.parse(String((await lines.next()).value));
      // The request in flight got its whole response; only the idle connection was closed.
      expect(result).toEqual({ slow: "slow done", closed: ["/fast"] });
    } finally {
      scene.kill("SIGKILL");
    }
  });
});
