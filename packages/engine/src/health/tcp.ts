import { connect } from "node:net";
import { describeSocketError, timedOut } from "./detail.ts";
import type { ProbeOptions, ProbeTarget } from "./probe.ts";

/** Healthy when a TCP connection to the target opens; it is closed at once. */
export function probeTcp(target: ProbeTarget, { timeoutMs, signal }: ProbeOptions): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let done = false;
    const socket = connect({ host: target.address, port: target.port });
    const finish = (ok: boolean, detail: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => finish(false, timedOut(timeoutMs)), timeoutMs);
    const onAbort = () => finish(false, "cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("connect", () => finish(true, `connected to ${target.address}:${target.port}`));
    socket.on("error", (err) => finish(false, describeSocketError(err)));
  });
}
