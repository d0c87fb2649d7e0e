import { useNow } from "../../hooks/useNow.ts";
import { cx } from "../../lib/cx.ts";
import { formatDuration } from "../../lib/format.ts";
import type { DeployStep } from "./deployments.ts";

const ICON: Record<DeployStep["status"], { mark: string; className: string }> = {
  running: { mark: "●", className: "animate-pulse text-amber-600" },
  succeeded: { mark: "✓", className: "text-green-700" },
  failed: { mark: "✕", className: "text-red-700" },
  skipped: { mark: "–", className: "text-slate-500" },
};

function stepTime(step: DeployStep, now: number): string {
  if (step.durationMs !== null) return step.status === "skipped" ? "" : formatDuration(step.durationMs);
  if (step.status === "running" && step.startedAt) return formatDuration(Math.max(0, now - Date.parse(step.startedAt)));
  return "";
}

/** A deployment's steps as they happen: each with its status, time (counting up while it runs) and detail. */
export function DeploymentSteps({ steps }: { steps: DeployStep[] }) {
  const now = useNow(steps.some((s) => s.status === "running"));
  if (steps.length === 0) return <p className="text-sm text-slate-600">Waiting to start…</p>;
  return (
    <ol className="space-y-1.5" aria-label="Deployment steps">
      {steps.map((s, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are only appended and names may repeat; the position is a step's identity.
          key={i}
          data-testid="deployment-step"
          data-status={s.status}
          aria-current={s.status === "running" ? "step" : undefined}
          className="grid grid-cols-[1.25rem_minmax(0,1fr)_auto] gap-x-2 text-sm"
        >
          <span aria-hidden="true" className={cx("text-center font-bold", ICON[s.status].className)}>
            {ICON[s.status].mark}
          </span>
          <span className="min-w-0">
            <span className="font-medium text-slate-900" data-testid="step-name">
              {s.name}
            </span>
            <span aria-hidden="true" className="text-slate-500">
              {" · "}
            </span>
            <span className="text-slate-600" data-testid="step-status">
              {s.status}
            </span>
            {s.detail && (
              <span className="block break-words text-xs text-slate-600" data-testid="step-detail">
                {s.detail}
              </span>
            )}
          </span>
          <span className="text-xs tabular-nums text-slate-600" data-testid="step-duration">
            {stepTime(s, now)}
          </span>
        </li>
      ))}
    </ol>
  );
}
