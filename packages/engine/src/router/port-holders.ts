// Who holds a port: listening sockets from /proc/net/{tcp,tcp6,udp,udp6}, matched to processes by
// the `socket:[inode]` links in /proc/<pid>/fd. Caddy binds with SO_REUSEPORT, so a second Caddy
// of the same user binds a port the first one holds without an error: the kernel cannot be asked.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { isIP } from "node:net";
import { basename, dirname, isAbsolute, join } from "node:path";

export type SocketProtocol = "tcp" | "udp";

/** A TCP socket in LISTEN, or a UDP socket bound and not connected. */
export interface ListeningSocket {
  protocol: SocketProtocol;
  /** Its local address, e.g. `127.0.0.1`, `::`; `0.0.0.0` and `::` mean every address. */
  address: string;
  port: number;
  inode: number;
}

/** A port the router binds: TCP for HTTP and HTTPS, UDP for HTTP/3. */
export interface PortClaim {
  protocol: SocketProtocol;
  port: number;
  /** The address it binds; empty for every address. */
  host: string;
}

/** A process holding some of the claimed ports, as the refusal names it. */
export interface PortHolder {
  /** null: a socket whose process this user cannot see (another user's, without root). */
  pid: number | null;
  command: string | null;
  /** The `$SKYPANEL_HOME` it serves, when it is a SkyPanel's Caddy. */
  skypanelHome: string | null;
  sockets: { protocol: SocketProtocol; port: number }[];
}

const TCP_LISTEN = "0A";
const UDP_UNCONNECTED = "07";

/** The sockets listening on these ports, from /proc/net. */
export function listeningSockets(ports: Iterable<number>): ListeningSocket[] {
  const wanted = new Set(ports);
  const found: ListeningSocket[] = [];
  for (const file of ["tcp", "tcp6", "udp", "udp6"] as const) {
    const protocol: SocketProtocol = file.startsWith("tcp") ? "tcp" : "udp";
    for (const line of readLines(`/proc/net/${file}`).slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (!local || !inode || state !== (protocol === "tcp" ? TCP_LISTEN : UDP_UNCONNECTED)) continue;
      const [hexAddress = "", hexPort = ""] = local.split(":");
      const port = Number.parseInt(hexPort, 16);
      if (wanted.has(port)) found.push({ protocol, address: decodeAddress(hexAddress), port, inode: Number(inode) });
    }
  }
  return found;
}

/** Socket inode → the pids holding it (one socket can be shared by a parent and its children). */
export function socketOwners(inodes: Iterable<number>, pids: Iterable<number> = allPids()): Map<number, number[]> {
  const wanted = new Set(inodes);
  const owners = new Map<number, number[]>();
  if (wanted.size === 0) return owners;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // Gone, or another user's.
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (!inode || !wanted.has(Number(inode))) continue;
      const list = owners.get(Number(inode)) ?? [];
      if (!list.includes(pid)) list.push(pid);
      owners.set(Number(inode), list);
    }
  }
  return owners;
}

/** The pids listening on the unix socket bound at `path` (e.g. Caddy's admin socket). */
export function unixSocketOwners(path: string): number[] {
  const inodes: number[] = [];
  for (const line of readLines("/proc/net/unix").slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is a listening socket.
    const [, , , flags, , , inode, ...rest] = line.trim().split(/\s+/);
    if (rest.join(" ") === path && (Number.parseInt(flags ?? "0", 16) & 0x10000) !== 0) inodes.push(Number(inode));
  }
  return [...new Set([...socketOwners(inodes).values()].flat())];
}

/**
 * The processes, other than `ours`, holding a socket that conflicts with one of the claims.
 * Addresses conflict when they are equal or either one is every address. Cheap when only `ours`
 * hold the ports: their fds are read first, and every process's only when a socket is left over.
 */
export function findPortHolders(claims: PortClaim[], ours: ReadonlySet<number>): PortHolder[] {
  const conflicting = listeningSockets(claims.map((c) => c.port)).filter((s) =>
    claims.some((c) => c.protocol === s.protocol && c.port === s.port && addressesOverlap(c.host, s.address)),
  );
  const mine = socketOwners(
    conflicting.map((s) => s.inode),
    ours,
  );
  const others = conflicting.filter((s) => !mine.has(s.inode));
  const owners = socketOwners(others.map((s) => s.inode));
  const byPid = new Map<number | null, PortHolder>();
  for (const socket of others) {
    for (const pid of owners.get(socket.inode) ?? [null]) {
      const holder = byPid.get(pid) ?? {
        pid,
        command: pid === null ? null : commandLine(pid),
        skypanelHome: pid === null ? null : caddyHome(pid),
        sockets: [],
      };
      if (!holder.sockets.some((s) => s.protocol === socket.protocol && s.port === socket.port))
        holder.sockets.push({ protocol: socket.protocol, port: socket.port });
      byPid.set(pid, holder);
    }
  }
  return [...byPid.values()];
}

/** Its command line, arguments separated by spaces; null when it is gone. */
export function commandLine(pid: number): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter(Boolean).join(" ") || null;
  } catch {
    return null;
  }
}

/** Alive and not a zombie: a Caddy killed while its parent still runs stays a zombie until reaped. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * The `$SKYPANEL_HOME` a Caddy serves: the platform starts it with `--config <home>/caddy/initial.json`
 * and cwd `<home>/caddy`. Null for anything else.
 */
export function caddyHome(pid: number): string | null {
  const args = readArgs(pid);
  if (!args || !/caddy/.test(basename(args[0] ?? ""))) return null;
  const cwd = processCwd(pid);
  const config = args[args.indexOf("--config") + 1];
  if (args.includes("--config") && config?.endsWith("/caddy/initial.json")) {
    const path = isAbsolute(config) ? config : cwd ? join(cwd, config) : null;
    if (path) return dirname(dirname(path));
  }
  return cwd && basename(cwd) === "caddy" ? dirname(cwd) : null;
}

/** Whether `pid` is a live Caddy running in `caddyDir` (`<home>/caddy`), i.e. this platform's. */
export function isCaddyOf(pid: number, caddyDir: string): boolean {
  if (!processAlive(pid)) return false;
  const args = readArgs(pid);
  if (!args || !/caddy/.test(basename(args[0] ?? ""))) return false;
  const cwd = processCwd(pid);
  return cwd !== null && cwd === realpathOr(caddyDir);
}

function readArgs(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return null;
  }
}

function processCwd(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, "utf8").split("\n").filter(Boolean);
  } catch {
    return []; // No IPv6 in this kernel, for instance.
  }
}

/** /proc/net writes addresses as 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = Buffer.from(hex, "hex");
  for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  if (bytes.length === 4) return [...bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return canonicalAddress(groups.join(":"));
}

function canonicalAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  const v6 = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  // An IPv4 address mapped into IPv6 is the same address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!mapped) return v6;
  const n = (Number.parseInt(mapped[1] ?? "0", 16) << 16) | Number.parseInt(mapped[2] ?? "0", 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

const EVERY_ADDRESS = new Set(["", "0.0.0.0", "::"]);

function addressesOverlap(host: string, socketAddress: string): boolean {
  // A name (localhost) may stand for several addresses: count it as every address.
  if (EVERY_ADDRESS.has(host) || isIP(host.replace(/^\[(.*)\]$/, "$1")) === 0) return true;
  if (EVERY_ADDRESS.has(socketAddress)) return true;
  return canonicalAddress(host.replace(/^\[(.*)\]$/, "$1")) === socketAddress;
}
