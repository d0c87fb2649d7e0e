import type { SubjectTrace } from "../tracing/index.ts";

/** One step of a deployment, as the dashboard, CLI and API show it. */
export interface DeployStep {
  name: string;
  status: "running" | "succeeded" | "failed" | "skipped";
  startedAt: string;
  durationMs: number | null;
  detail: string | null;
}

/** Records a deployment's steps as they happen; `persist` stores them and announces the change. */
export class StepRecorder {
  readonly steps: DeployStep[] = [];
  private t0 = new Map<DeployStep, number>();

  constructor(
    private readonly persist: (steps: DeployStep[]) => Promise<void>,
    /** The deployment's trace: each step is a span, active while the step runs so its work nests below. */
    private readonly trace?: SubjectTrace,
  ) {}

  async run<T>(name: string, fn: (note: (detail: string) => void) => Promise<T>): Promise<T> {
    const step: DeployStep = { name, status: "running", startedAt: new Date().toISOString(), durationMs: null, detail: null };
    this.steps.push(step);
    this.t0.set(step, performance.now());
    await this.persist(this.steps);
    try {
      const note = (detail: string) => {
        step.detail = detail;
        // A note is shown, not needed: the step's end writes the whole list again.
        this.persist(this.steps).catch(() => {});
      };
      const result = this.trace ? await this.trace.inStep(name, () => fn(note)) : await fn(note);
      await this.end(step, "succeeded");
      return result;
    } catch (err) {
      step.detail = (err as Error).message;
      await this.end(step, "failed");
      throw err;
    }
  }

  async skip(name: string, detail: string) {
    this.steps.push({ name, status: "skipped", startedAt: new Date().toISOString(), durationMs: 0, detail });
    await this.persist(this.steps);
  }

  private async end(step: DeployStep, status: DeployStep["status"]) {
    step.status = status;
    step.durationMs = Math.round(performance.now() - (this.t0.get(step) ?? performance.now()));
    await this.persist(this.steps);
  }
}
