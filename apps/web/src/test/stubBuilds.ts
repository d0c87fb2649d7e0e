// Builds for the stub tRPC server: rows typed by the BFF's output, and the event plumbing its
// subscriptions (builds.follow, builds.events) wait on.
import type { RouterOutputs } from "../lib/trpc.ts";

export type StubBuild = RouterOutputs["builds"]["get"];
export type StubStage = StubBuild["stages"][number];
type StageName = StubStage["name"];
type StageStatus = StubStage["status"];

const STAGE_NAMES: StageName[] = ["fetch", "detect", "dependencies", "build", "tests", "artifact", "optimise"];
export const FINISHED_BUILD = new Set(["succeeded", "failed", "cancelled"]);

/** Stages in order; `statuses` gives the first few theirs, the rest are pending. */
export function stubStages(statuses: Partial<Record<StageName, Partial<StubStage> & { status: StageStatus }>> = {}): StubStage[] {
  return STAGE_NAMES.map((name) => ({ name, status: "pending", startedAt: null, durationMs: null, detail: null, ...statuses[name] }));
}

export function stubBuild(appName: string, number: number, extra: Partial<StubBuild> = {}): StubBuild {
  const source = extra.source ?? { type: "git", url: "https://git.example.com/shop.git", ref: "main" };
  return {
    id: `00000000-0000-4000-8000-${String(number).padStart(12, "0")}`,
    appId: `id-${appName}`,
    number,
    status: "queued",
    source,
    ...sourceColumns(source),
    commitSha: null,
    plan: null,
    stages: stubStages(),
    toolchainId: null,
    cacheKey: null,
    cacheHit: null,
    storePath: null,
    closureBytes: null,
    error: null,
    durationMs: null,
    createdBy: "user-1",
    createdAt: new Date("2025-01-02T03:04:05Z"),
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    jobId: null,
    ...extra,
  };
}

/** The columns the engine fills from the source (builds/service.ts). */
function sourceColumns(source: StubBuild["source"]): Pick<StubBuild, "sourceType" | "sourceRef"> {
  if (!("type" in source)) return { sourceType: "archive", sourceRef: null };
  if (source.type === "git") return { sourceType: "git", sourceRef: source.ref ? `${source.url}#${source.ref}` : source.url };
  if (source.type === "archive") return { sourceType: "archive", sourceRef: source.filename };
  return { sourceType: "push", sourceRef: source.ref };
}

export type StubEvent = { type: "log"; buildId: string } | { type: "updated"; build: StubBuild };

/** A listener registered at once (so nothing published meanwhile is missed), read one event at a time. */
export function listener<E = StubEvent>(listeners: Set<(e: E) => void>, signal: AbortSignal | undefined) {
  // Read from `head` on, not shifted: shifting a queue of 100,000 log lines one at a time is quadratic.
  let queue: E[] = [];
  let head = 0;
  let wake: (() => void) | null = null;
  const listen = (e: E) => {
    queue.push(e);
    wake?.();
  };
  listeners.add(listen);
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  return {
    async next(): Promise<E | null> {
      while (head === queue.length && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (signal?.aborted) return null;
      const event = queue[head++] ?? null;
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      return event;
    },
    close() {
      listeners.delete(listen);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
