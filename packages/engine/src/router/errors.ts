import { EngineError, ValidationError } from "../errors.ts";
import type { PortHolder } from "./port-holders.ts";

/** A desired route the router cannot serve as given (bad hostname, upstream, weight…). */
export class InvalidRouteError extends ValidationError {}

/** Nothing answers at Caddy's admin address (not running, or the socket is stale). */
export class CaddyUnavailableError extends EngineError {
  constructor(address: string, reason: string) {
    super("PRECONDITION_FAILED", `Caddy's admin API at ${address} does not answer: ${reason}`, { address });
  }
}

/** Caddy answered the admin API with an error; the message is Caddy's own. */
export class CaddyAdminError extends EngineError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly caddyMessage: string,
  ) {
    super("PRECONDITION_FAILED", `Caddy refused ${method} ${path} (${status}): ${caddyMessage}`, { status, path });
  }
}

/** `caddy run` did not come up. */
export class CaddyStartError extends EngineError {
  constructor(message: string, logTail: string) {
    super("PRECONDITION_FAILED", logTail ? `${message}\n${logTail}` : message);
  }
}

/**
 * Another process holds the ports the router serves apps on (another SkyPanel's Caddy, say):
 * starting anyway would split the apps' traffic with it, or leave Caddy half-configured.
 */
export class PortsHeldError extends EngineError {
  constructor(readonly holders: PortHolder[]) {
    super("PRECONDITION_FAILED", describeHolders(holders), {
      holders: holders.map((h) => ({ pid: h.pid, skypanelHome: h.skypanelHome, sockets: h.sockets })),
    });
  }
}

const MAX_COMMAND = 160;

function describeHolders(holders: PortHolder[]): string {
  const ports = new Map<number, Set<string>>();
  for (const s of holders.flatMap((h) => h.sockets)) ports.set(s.port, (ports.get(s.port) ?? new Set()).add(s.protocol.toUpperCase()));
  const portList = [...ports]
    .sort(([a], [b]) => a - b)
    .map(([port, protocols]) => `:${port} (${[...protocols].sort().join(", ")})`)
    .join(" and ");
  const who = holders.map((h) => {
    if (h.pid === null) return "a process this user cannot see (as root: ss -ltnup)";
    const command = h.command && h.command.length > MAX_COMMAND ? `${h.command.slice(0, MAX_COMMAND)}…` : (h.command ?? "?");
    const home = h.skypanelHome ? `, the Caddy of the SkyPanel at SKYPANEL_HOME=${h.skypanelHome}` : "";
    return `pid ${h.pid} (${command})${home}`;
  });
  const pids = holders.flatMap((h) => (h.pid === null ? [] : [h.pid]));
  const stop = pids.length > 0 ? `stop ${pids.length > 1 ? "them" : "it"} (kill ${pids.join(" ")}) or ` : "";
  return `Port${ports.size > 1 ? "s" : ""} ${portList} ${ports.size > 1 ? "are" : "is"} held by ${who.join(" and ")}: ${stop}pick other ports with SKYPANEL_HTTP_PORT / SKYPANEL_HTTPS_PORT.`;
}
