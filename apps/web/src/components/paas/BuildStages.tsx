import { useNow } from "../../hooks/useNow.ts";
import { cx } from "../../lib/cx.ts";
import { formatDuration } from "../../lib/format.ts";
import type { BuildStage } from "./builds.ts";

const LABELS: Record<BuildStage["name"], string> = {
  fetch: "Fetch source",
  detect: "Detect",
  dependencies: "Dependencies",
  build: "Build",
  tests: "Tests",
  artifact: "Artifact",
  optimise: "Optimise",
};

const STATUS_TEXT: Record<BuildStage["status"], string> = {
  pending: "waiting",
  running: "running",
  succeeded: "done",
  failed: "failed",
  skipped: "skipped",
  cancelled: "cancelled",
};

const BAR: Record<BuildStage["status"], string> = {
  pending: "bg-slate-200",
  running: "bg-amber-500 animate-pulse",
  succeeded: "bg-green-600",
  failed: "bg-red-600",
  skipped: "bg-slate-300",
  cancelled: "bg-slate-500",
};

const TEXT: Record<BuildStage["status"], string> = {
  pending: "text-slate-600",
  running: "text-amber-900 font-medium",
  succeeded: "text-green-800",
  failed: "text-red-700 font-medium",
  skipped: "text-slate-600",
  cancelled: "text-slate-700",
};

const isSettled = (s: BuildStage) => s.status === "succeeded" || s.status === "skipped";

function stageTime(stage: BuildStage, now: number): string {
  if (stage.durationMs !== null) return formatDuration(stage.durationMs);
  if (stage.status === "running" && stage.startedAt) return formatDuration(Math.max(0, now - Date.parse(stage.startedAt)));
  return "";
}

/** The build's seven stages as a segmented progress bar, then each stage with its status, time and detail. */
export function BuildStages({ stages }: { stages: BuildStage[] }) {
  const running = stages.some((s) => s.status === "running");
  const now = useNow(running);
  const settled = stages.filter(isSettled).length;
  return (
    <section aria-labelledby="build-stages-title" data-testid="build-stages">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="build-stages-title" className="text-base font-semibold">
          Stages
        </h2>
        <p className="text-sm text-slate-600" data-testid="build-stages-summary">
          {settled} of {stages.length} stages done
        </p>
      </div>
      <div
        role="progressbar"
        aria-label="Build progress"
        aria-valuemin={0}
        aria-valuemax={stages.length}
        aria-valuenow={settled}
        aria-valuetext={`${settled} of ${stages.length} stages done`}
        className="mt-2 flex gap-1"
      >
        {stages.map((s) => (
          <div
            key={s.name}
            className={cx("h-2 flex-1 rounded-full", BAR[s.status])}
            title={`${LABELS[s.name]}: ${STATUS_TEXT[s.status]}`}
          />
        ))}
      </div>
      <ol className="mt-3 grid gap-x-3 gap-y-2 sm:grid-cols-4 lg:grid-cols-7">
        {stages.map((s) => (
          <li
            key={s.name}
            data-testid="build-stage"
            data-stage={s.name}
            data-status={s.status}
            aria-current={s.status === "running" ? "step" : undefined}
            className="min-w-0 rounded-md border border-slate-200 bg-white px-2.5 py-2"
          >
            <p className="flex items-baseline justify-between gap-2 text-sm">
              <span className="font-medium text-slate-900">{LABELS[s.name]}</span>
              <span className="text-xs tabular-nums text-slate-600" data-testid="stage-duration">
                {stageTime(s, now)}
              </span>
            </p>
            <p className={cx("text-xs", TEXT[s.status])} data-testid="stage-status">
              {s.status === "running" && (
                <span aria-hidden="true" className="mr-1 inline-block size-1.5 animate-pulse rounded-full bg-amber-600" />
              )}
              {STATUS_TEXT[s.status]}
            </p>
            {s.detail && <p className="mt-0.5 break-words text-xs text-slate-600">{s.detail}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
