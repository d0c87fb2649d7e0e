// The router's events as lines of the platform's log. The loop retries every couple of seconds,
// so the same error is written once, not on every pass, until something else happens.
import type { RouterEvent } from "./router.ts";

const RECOVERY = {
  restored: "Caddy serves the routes it had",
  restarted: "a fresh Caddy serves the routes it had (the old one kept listeners of the refused config)",
} as const;

export function describeRouterEvent(event: RouterEvent): string | null {
  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
  switch (event.type) {
    case "caddy-started":
      return `started Caddy (pid ${event.pid})`;
    case "caddy-adopted":
      return `adopted the running Caddy${event.pid ? ` (pid ${event.pid})` : ""}`;
    case "caddy-lost":
      return `Caddy${event.pid ? ` (pid ${event.pid})` : ""} was lost: ${event.reason}`;
    case "caddy-replaced":
      return `replaced Caddy (now pid ${event.pid}): ${event.reason}`;
    case "load-failed":
      return `routes not loaded: ${message(event.error)}; ${event.recovered ? RECOVERY[event.recovered] : "Caddy could not be brought back"}`;
    case "error":
      return message(event.error);
    case "config-loaded":
      return null;
  }
}

/** An `onEvent` that writes the events to the console, a repeated line only once. */
export function routerEventLogger(write: (line: string) => void = (line) => console.error(line)): (event: RouterEvent) => void {
  let last: string | null = null;
  return (event) => {
    const line = describeRouterEvent(event);
    if (line === null || line === last) return;
    last = line;
    write(`[router] ${line}`);
  };
}
