// The app event stream of the stub tRPC server (events.app), following the BFF's contract: each
// event has an id "<epoch>:<n>", a reconnect with lastEventId gets exactly the ones after it, and
// an id it does not know (another epoch) gets a resync first.
import { tracked } from "@trpc/server";
import type { AppEvent } from "../hooks/useAppEvents.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

const EPOCH = "stub";

export function stubAppEvents(proc: StubProcedure, find: (idOrName: string) => { id: string }) {
  const published: { id: string; event: AppEvent }[] = [];
  const waiting = new Set<() => void>();

  const router = t.router({
    app: proc("events.app").subscription(async function* ({ input, signal }) {
      const app = find(input.app);
      const head = () => `${EPOCH}:${published.length}`;
      let next = published.length;
      if (input.lastEventId) {
        const [epoch, n] = input.lastEventId.split(":");
        if (epoch === EPOCH && Number(n) <= published.length) next = Number(n);
        else yield tracked(head(), { type: "resync" as const, appId: app.id } satisfies AppEvent);
      }
      while (!signal?.aborted) {
        for (; next < published.length; next++) {
          const e = published[next];
          if (e && e.event.appId === app.id) yield tracked(e.id, e.event);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            signal?.removeEventListener("abort", wake);
            resolve();
          };
          waiting.add(wake);
          signal?.addEventListener("abort", wake);
        });
      }
    }),
  });

  /** Publishes an event the way the engine would, to every open stream. */
  function publish(event: AppEvent) {
    published.push({ id: `${EPOCH}:${published.length + 1}`, event });
    for (const wake of [...waiting]) wake();
  }

  return { router, publish };
}
