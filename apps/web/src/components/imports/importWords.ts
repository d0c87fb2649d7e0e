import type { ImportStep, ImportView } from "../../hooks/useImports.ts";

/** An import's steps in words; the engine names them by id (packages/engine/src/imports/progress.ts). */
const STEP_LABELS: Record<string, string> = {
  app: "Create the app",
  config: "Copy config vars",
  addons: "Create add-ons",
  data: "Restore add-on data",
  domains: "Add domains",
  build: "Build",
  artifact: "Unpack the archive's build",
  deploy: "Deploy",
  formation: "Scale processes",
  postdeploy: "Run the postdeploy script",
  verify: "Check the app answers",
};

export const stepLabel = (name: string) => STEP_LABELS[name] ?? name;

interface Shown {
  text: string;
  /** A mark beside the words, so no state is told by colour alone. */
  mark: string;
  className: string;
}

export const STEP_STATUS: Record<ImportStep["status"], Shown> = {
  pending: { text: "waiting", mark: "○", className: "text-slate-500" },
  running: { text: "running", mark: "●", className: "text-amber-700 motion-safe:animate-pulse" },
  succeeded: { text: "done", mark: "✓", className: "text-green-700" },
  failed: { text: "failed", mark: "✕", className: "text-red-700" },
  skipped: { text: "skipped", mark: "–", className: "text-slate-500" },
  rolled_back: { text: "undone", mark: "↺", className: "text-slate-700" },
};

export const IMPORT_STATUS: Record<ImportView["status"], Shown> = {
  running: { text: "running", mark: "●", className: "text-amber-800" },
  succeeded: { text: "imported", mark: "✓", className: "text-green-800" },
  failed: { text: "failed", mark: "✕", className: "text-red-700" },
  rolled_back: { text: "rolled back", mark: "↺", className: "text-slate-700" },
};
