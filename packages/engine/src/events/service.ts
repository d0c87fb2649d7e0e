import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { type EventBus, type SequencedEvent, sequencedEventsForApp } from "./bus.ts";

/** An app's state changes for its readers: permission first, then the resumable stream. */
export function createAppEvents(apps: Apps, bus: EventBus) {
  return {
    /**
     * What changes on the app (deployments, instances, formation, builds, metrics samples) after
     * `lastEventId`, or from now. Resolves once read access is checked, so a refusal is an error
     * of this call rather than of the stream; the stream then starts where the call did.
     */
    async followApp(
      actor: Actor,
      idOrName: string,
      lastEventId: string | null,
      signal?: AbortSignal,
    ): Promise<AsyncGenerator<SequencedEvent>> {
      const from = lastEventId ?? bus.head();
      const { app } = await apps.resolve(actor, idOrName, "read", "following the app's events");
      return sequencedEventsForApp(bus, app.id, from, signal);
    },
  };
}
