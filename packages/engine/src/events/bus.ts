import { EventEmitter } from "node:events";

/** What the engine announces as it happens; the BFF turns these into live updates. */
export type PlatformEvent =
  | { type: "build.updated"; appId: string; buildId: string; status: string; stage: string | null }
  | { type: "build.log"; appId: string; buildId: string; line: number; text: string }
  | { type: "app.log"; appId: string; entry: AppLogEntry }
  | { type: "deployment.updated"; appId: string; deploymentId: string; status: string }
  | { type: "instance.updated"; appId: string; instanceId: string; status: string; health: string };

/** One line of an app's log as readers see it; `id` orders lines and resumes a stream. */
export interface AppLogEntry {
  id: number;
  instanceId: string | null;
  processType: string | null;
  source: string;
  stream: "stdout" | "stderr" | "system";
  level: "debug" | "info" | "warn" | "error";
  line: string;
  loggedAt: Date;
}

/**
 * In-process event bus: the embedded default. Several control planes would share a Redis
 * channel behind the same two methods.
 */
export interface EventBus {
  publish(event: PlatformEvent): void;
  subscribe(listener: (event: PlatformEvent) => void): () => void;
}

export function memoryEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (event) => emitter.emit("event", event),
    subscribe(listener) {
      emitter.on("event", listener);
      return () => emitter.off("event", listener);
    },
  };
}

/** The bus's events about one app, of the given types, until `signal` aborts. */
export async function* eventsForApp<T extends PlatformEvent["type"]>(
  bus: EventBus,
  appId: string,
  types: T[],
  signal?: AbortSignal,
): AsyncGenerator<Extract<PlatformEvent, { type: T }>> {
  const queue: PlatformEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = bus.subscribe((e) => {
    if (e.appId !== appId || !(types as string[]).includes(e.type)) return;
    queue.push(e);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      for (const e of queue.splice(0)) yield e as Extract<PlatformEvent, { type: T }>;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
