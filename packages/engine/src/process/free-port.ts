import { readFileSync } from "node:fs";
import { createServer } from "node:net";

// Ports the kernel hands to outgoing connections (net.ipv4.ip_local_port_range). A port from
// listen(0) is one of them, so between freePort() returning it and Caddy binding it, any test's
// outgoing connection (a load generator opens hundreds) may take it: "address already in use".
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {}
  return [32768, 60999];
}

const listenable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/**
 * A TCP port on 127.0.0.1 that nothing listens on now, chosen below the ephemeral range so no
 * outgoing connection is given it before its server binds it.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const from = 10_000;
  const to = Math.max(from + 1000, low - 1);
  for (let i = 0; i < 200; i++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${to} after 200 tries`);
}
