import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { usePipeline, usePipelineApps } from "../../../hooks/usePipelines.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { DeletePipelineDialog } from "./DeletePipelineDialog.tsx";
import { PromoteDialog } from "./PromoteDialog.tsx";
import { ReviewAppsColumn } from "./ReviewAppsColumn.tsx";
import { ReviewSettingsForm } from "./ReviewSettingsForm.tsx";
import { StageColumn } from "./StageColumn.tsx";
import type { StageApp } from "./types.ts";

/** A pipeline's stages side by side, review apps first, production last; promotion moves a build one column right. */
export function PipelinePage() {
  const { pipeline: ref = "" } = useParams();
  const pipeline = usePipeline(ref);
  const { remove } = usePipelineApps();
  const navigate = useNavigate();
  const [promoting, setPromoting] = useState<StageApp | null>(null);
  const [deleting, setDeleting] = useState(false);

  if (pipeline.isPending) return <LoadingBlock label="Loading the pipeline…" />;
  if (pipeline.isError)
    return <ErrorNotice title="The pipeline could not be loaded." error={pipeline.error} onRetry={() => pipeline.refetch()} />;
  const view = pipeline.data;

  return (
    <div>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to="/paas/pipelines" className="text-indigo-800 hover:underline">
          Pipelines
        </Link>
      </nav>
      <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold" data-testid="pipeline-name">
          {view.name}
        </h1>
        <Button variant="dangerGhost" onClick={() => setDeleting(true)}>
          Delete pipeline
        </Button>
      </div>

      <div className="mt-5 grid gap-4 md:grid-cols-2 xl:grid-cols-4" data-testid="pipeline-stages">
        <ReviewAppsColumn pipeline={view} />
        {view.stages.map((stage) => (
          <StageColumn
            key={stage.stage}
            pipeline={view}
            stage={stage}
            onPromote={setPromoting}
            onRemove={(app) => remove.mutate({ pipeline: view.id, app: app.id })}
          />
        ))}
      </div>

      <div className="mt-6">
        <ReviewSettingsForm key={view.id} pipeline={view} />
      </div>

      {promoting && <PromoteDialog pipeline={view.id} from={promoting} onClose={() => setPromoting(null)} />}
      {deleting && (
        <DeletePipelineDialog
          pipeline={view}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate("/paas/pipelines", { replace: true })}
        />
      )}
    </div>
  );
}

export default PipelinePage;
