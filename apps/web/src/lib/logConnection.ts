import type { LogConnection } from "../store/paasSlice.ts";

/**
 * Turns a log subscription's lifecycle (tRPC's callbacks) into the connection state a reader
 * sees. After a drop the link reconnects by itself and resumes after the last line: that is
 * "reconnecting", not a fresh "connecting". Once `end` settles it (finished, disconnected), the
 * link's late callbacks change nothing.
 */
export function trackLogConnection(set: (connection: LogConnection) => void) {
  let started = false;
  let ended = false;
  set("connecting");
  return {
    onStarted() {
      started = true;
      if (!ended) set("live");
    },
    onConnectionStateChange(state: { state: string }) {
      if (ended) return;
      if (state.state === "connecting") set(started ? "reconnecting" : "connecting");
      else if (state.state === "pending" && started) set("live");
    },
    /** False when it had already ended, so the caller does nothing twice. */
    end(final: LogConnection) {
      if (ended) return false;
      ended = true;
      set(final);
      return true;
    },
  };
}
