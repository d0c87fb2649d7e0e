import { EngineError, ValidationError } from "../errors.ts";

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
