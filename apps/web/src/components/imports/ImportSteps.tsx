import type { ImportStep, ImportView } from "../../hooks/useImports.ts";
import { cx } from "../../lib/cx.ts";
import { STEP_STATUS, stepLabel } from "./importWords.ts";

const ENDED: Record<Exclude<ImportView["status"], "running">, string> = {
  succeeded: "The import finished: the app is imported.",
  failed: "The import failed; what it made was removed.",
  rolled_back: "The import was rolled back.",
};

/** What a screen reader hears as the import moves: the step in progress, or how it ended. */
function announcement(status: ImportView["status"], steps: ImportStep[]): string {
  if (status !== "running") return ENDED[status];
  const step = steps.find((s) => s.status === "running") ?? [...steps].reverse().find((s) => s.status !== "pending");
  if (!step) return "Import waiting to start.";
  const n = steps.indexOf(step) + 1;
  return `Step ${n} of ${steps.length}, ${stepLabel(step.name)}: ${STEP_STATUS[step.status].text}${step.detail ? `, ${step.detail}` : ""}.`;
}

/** The import's steps as they happen, each with a mark and its status in words, and its detail. */
export function ImportSteps({ status, steps }: { status: ImportView["status"]; steps: ImportStep[] }) {
  return (
    <>
      <ol className="space-y-1.5" aria-label="Import steps" data-testid="import-steps">
        {steps.map((s) => {
          const shown = STEP_STATUS[s.status];
          return (
            <li
              key={s.name}
              data-testid="import-step"
              data-step={s.name}
              data-status={s.status}
              aria-current={s.status === "running" ? "step" : undefined}
              className="grid grid-cols-[1.25rem_minmax(0,1fr)] gap-x-2 text-sm"
            >
              <span aria-hidden="true" className={cx("text-center font-bold", shown.className)}>
                {shown.mark}
              </span>
              <span className="min-w-0">
                <span className="font-medium text-slate-900">{stepLabel(s.name)}</span>
                <span aria-hidden="true" className="text-slate-500">
                  {" · "}
                </span>
                <span className="text-slate-700" data-testid="step-status">
                  {shown.text}
                </span>
                {s.detail && (
                  <span className="block break-words text-xs text-slate-600" data-testid="step-detail">
                    {s.detail}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      <p role="status" className="sr-only" data-testid="import-announcer">
        {announcement(status, steps)}
      </p>
    </>
  );
}
