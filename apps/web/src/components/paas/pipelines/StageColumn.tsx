import { AddAppForm } from "./AddAppForm.tsx";
import { StageAppCard } from "./StageAppCard.tsx";
import { NEXT_STAGE, type PipelineView, STAGE_LABELS, type StageApp } from "./types.ts";

/** One stage of the pipeline as a column: its apps, and a picker to add one of the team's apps (or move one from another stage). */
export function StageColumn({
  pipeline,
  stage,
  onPromote,
  onRemove,
}: {
  pipeline: PipelineView;
  stage: PipelineView["stages"][number];
  onPromote: (app: StageApp) => void;
  onRemove: (app: StageApp) => void;
}) {
  const label = STAGE_LABELS[stage.stage];
  const next = NEXT_STAGE[stage.stage];
  return (
    <section
      aria-label={label}
      data-testid="stage"
      data-stage={stage.stage}
      className="flex min-w-0 flex-col gap-3 rounded-lg bg-slate-50 p-3"
    >
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-700">
        {label} <span className="font-normal normal-case text-slate-600">({stage.apps.length})</span>
      </h2>
      {stage.apps.length === 0 ? (
        <p className="text-sm text-slate-600">No apps at this stage.</p>
      ) : (
        <ul aria-label={`Apps in ${label}`} className="space-y-3">
          {stage.apps.map((app) => (
            <StageAppCard key={app.id} app={app} canPromote={next !== null} onPromote={onPromote} onRemove={onRemove} />
          ))}
        </ul>
      )}
      <AddAppForm pipeline={pipeline.id} teamId={pipeline.teamId} stage={stage.stage} here={stage.apps.map((a) => a.name)} />
    </section>
  );
}
