// An import's steps as the user watches them: each step is written to the import's row when it
// starts and when it ends, so the dashboard, the API and a control plane that restarts mid-way
// all see the same thing. A step that already succeeded is not run again on resume.
import type { Database } from "@skypanel/db";
import { updateImport } from "@skypanel/db/queries";
import type { ImportStep, ImportStepStatus } from "./types.ts";

/** Steps of each kind of import, in the order they run. */
export const STEP_NAMES = {
  heroku: ["app", "config", "addons", "data", "domains", "build", "deploy", "formation", "verify"],
  archive: ["app", "config", "addons", "data", "domains", "artifact", "deploy", "formation", "verify"],
  "app-json": ["app", "build", "config", "addons", "formation", "deploy", "postdeploy", "verify"],
} as const;

export const initialSteps = (names: readonly string[]): ImportStep[] => names.map((name) => ({ name, status: "pending", detail: "" }));

/** What a step returns: its detail, or that it had nothing to do. */
export type StepOutcome = string | { skipped: string };

export interface Progress {
  readonly steps: ImportStep[];
  /** Runs the step unless it already ended well; records running, then its outcome or its error. */
  run(name: string, work: () => Promise<StepOutcome>): Promise<void>;
  /** Marks every step that did its work (or was doing it) as undone by a rollback; a failed step keeps its reason. */
  rolledBack(): Promise<void>;
}

export function createProgress(db: Database, importId: string, steps: ImportStep[], changed: () => void): Progress {
  const save = async () => {
    await updateImport(db, importId, { steps: steps.map((s) => ({ ...s })) });
    changed();
  };
  const set = async (name: string, status: ImportStepStatus, detail: string) => {
    const step = steps.find((s) => s.name === name);
    if (!step) throw new Error(`import step "${name}" is not one of this import's`);
    step.status = status;
    step.detail = detail.slice(0, 2_000);
    await save();
  };
  return {
    steps,
    async run(name, work) {
      const step = steps.find((s) => s.name === name);
      if (step?.status === "succeeded" || step?.status === "skipped") return;
      await set(name, "running", step?.detail ?? "");
      let outcome: StepOutcome;
      try {
        outcome = await work();
      } catch (err) {
        await set(name, "failed", (err as Error).message);
        throw err;
      }
      if (typeof outcome === "string") await set(name, "succeeded", outcome);
      else await set(name, "skipped", outcome.skipped);
    },
    async rolledBack() {
      for (const s of steps) if (s.status === "succeeded" || s.status === "running") s.status = "rolled_back";
      await save();
    },
  };
}
