// The /proc lookups behind the router's port check, on real sockets this test opens on loopback.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PortsHeldError } from "./errors.ts";
import { caddyHome, commandLine, findPortHolders, listeningSockets, processAlive, socketOwners, unixSocketOwners } from "./port-holders.ts";
import { tempHome } from "./testing.ts";

describe("port holders from /proc", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const listenTcp = async (host: string, port = 0): Promise<number> => {
    const server: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return (server.address() as { port: number }).port;
  };
  const bindUdp = async (type: "udp4" | "udp6", host: string, port = 0): Promise<UdpSocket> => {
    const socket = createSocket(type);
    await new Promise<void>((resolve) => socket.bind(port, host, resolve));
    closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
    return socket;
  };

  it("finds a TCP listener on 127.0.0.1 and a UDP socket on ::1, each held by this process", async () => {
    const tcpPort = await listenTcp("127.0.0.1");
    const udpPort = (await bindUdp("udp6", "::1")).address().port;
    const sockets = listeningSockets([tcpPort, udpPort]);
    expect(sockets).toEqual(
      expect.arrayContaining([
        { protocol: "tcp", address: "127.0.0.1", port: tcpPort, inode: expect.any(Number) },
        { protocol: "udp", address: "::1", port: udpPort, inode: expect.any(Number) },
      ]),
    );
    const owners = socketOwners(sockets.map((s) => s.inode));
    for (const socket of sockets) expect(owners.get(socket.inode)).toEqual([process.pid]);
  });

  it("names this process as the holder of its ports, and no one once they are closed", async () => {
    const tcpPort = await listenTcp("0.0.0.0");
    await bindUdp("udp4", "0.0.0.0", tcpPort);
    const holders = findPortHolders(
      [
        { protocol: "tcp", port: tcpPort, host: "127.0.0.1" },
        { protocol: "udp", port: tcpPort, host: "" },
      ],
      new Set(),
    );
    expect(holders).toHaveLength(1);
    expect(holders[0]?.pid).toBe(process.pid);
    expect(holders[0]?.command).toContain(process.execPath.split("/").pop());
    expect(holders[0]?.skypanelHome).toBeNull();
    expect(holders[0]?.sockets.sort((a, b) => a.protocol.localeCompare(b.protocol))).toEqual([
      { protocol: "tcp", port: tcpPort },
      { protocol: "udp", port: tcpPort },
    ]);
    const error = new PortsHeldError(holders);
    expect(error.message).toMatch(new RegExp(`^Port :${tcpPort} \\(TCP, UDP\\) is held by pid ${process.pid} \\(`));
    expect(error.message).toContain(`kill ${process.pid}`);
    expect(error.message).not.toContain("\n");

    // Its own pids are not holders, and a listener on another address does not conflict.
    expect(findPortHolders([{ protocol: "tcp", port: tcpPort, host: "" }], new Set([process.pid]))).toEqual([]);
    for (const close of closers.splice(0).reverse()) await close();
    expect(findPortHolders([{ protocol: "tcp", port: tcpPort, host: "" }], new Set())).toEqual([]);
  });

  it("tells addresses apart: 127.0.0.2 does not hold 127.0.0.1's port, but every address does", async () => {
    const port = await listenTcp("127.0.0.2");
    expect(findPortHolders([{ protocol: "tcp", port, host: "127.0.0.1" }], new Set())).toEqual([]);
    expect(findPortHolders([{ protocol: "tcp", port, host: "" }], new Set())).toHaveLength(1);
    expect(findPortHolders([{ protocol: "udp", port, host: "" }], new Set())).toEqual([]);
  });

  it("finds who listens on a unix socket, and describes this process", async () => {
    const home = tempHome();
    closers.push(async () => home.remove());
    const path = `${home.home}/test.sock`;
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    expect(unixSocketOwners(path)).toEqual([process.pid]);
    expect(unixSocketOwners(`${home.home}/none.sock`)).toEqual([]);
    expect(processAlive(process.pid)).toBe(true);
    expect(commandLine(process.pid)).toContain("node");
    // Not a Caddy: no SkyPanel home.
    expect(caddyHome(process.pid)).toBeNull();
  });
});
