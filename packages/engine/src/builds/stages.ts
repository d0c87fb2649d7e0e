import { BUILD_STAGE_NAMES, type BuildStage, type BuildStageName } from "@skypanel/db";
import type { SubjectTrace } from "../tracing/index.ts";

export function initialStages(): BuildStage[] {
  return BUILD_STAGE_NAMES.map((name) => ({ name, status: "pending", startedAt: null, durationMs: null, detail: null }));
}

/**
 * The build's progress steps. Every change is handed to `persist` (the builds row and the
 * live event), so the dashboard, the CLI and the API all see the same steps as they happen.
 */
export class StageTracker {
  readonly stages: BuildStage[] = initialStages();
  private startedAtMs = new Map<BuildStageName, number>();

  constructor(
    private readonly persist: (stages: BuildStage[], current: BuildStageName | null) => Promise<void>,
    /** The build's trace: each stage is a span of it, from start to finish. */
    private readonly trace?: SubjectTrace,
  ) {}

  get current(): BuildStageName | null {
    return this.stages.find((s) => s.status === "running")?.name ?? null;
  }

  private stage(name: BuildStageName): BuildStage {
    const s = this.stages.find((x) => x.name === name);
    if (!s) throw new Error(`unknown stage ${name}`);
    return s;
  }

  async start(name: BuildStageName) {
    const s = this.stage(name);
    s.status = "running";
    s.startedAt = new Date().toISOString();
    this.startedAtMs.set(name, performance.now());
    this.trace?.startStep(name);
    await this.persist(this.stages, name);
  }

  async finish(name: BuildStageName, status: "succeeded" | "failed" | "cancelled", detail?: string | null, error?: unknown) {
    const s = this.stage(name);
    this.trace?.endStep(name, status, error);
    s.status = status;
    s.durationMs = Math.round(performance.now() - (this.startedAtMs.get(name) ?? performance.now()));
    if (detail !== undefined) s.detail = detail;
    await this.persist(this.stages, this.current);
  }

  async skip(name: BuildStageName, detail: string) {
    const s = this.stage(name);
    s.status = "skipped";
    s.detail = detail;
    await this.persist(this.stages, this.current);
  }

  /** Runs `fn` as stage `name`; its return value's `detail` becomes the stage's line. */
  async run<T extends { detail?: string | null } | undefined>(name: BuildStageName, fn: () => Promise<T>): Promise<T> {
    await this.start(name);
    try {
      const result = await fn();
      await this.finish(name, "succeeded", result?.detail ?? null);
      return result;
    } catch (err) {
      await this.finish(name, "failed", undefined, err);
      throw err;
    }
  }

  /** Marks whatever is running as failed or cancelled, and everything not reached as skipped. */
  async abandon(status: "failed" | "cancelled") {
    for (const s of this.stages) {
      if (s.status === "running") {
        this.trace?.endStep(s.name, status);
        s.status = status;
        s.durationMs = Math.round(performance.now() - (this.startedAtMs.get(s.name) ?? performance.now()));
      } else if (s.status === "pending") {
        s.status = "skipped";
      }
    }
    await this.persist(this.stages, null);
  }
}
