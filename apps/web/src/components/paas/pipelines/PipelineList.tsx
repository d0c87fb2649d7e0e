import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useTeams } from "../../../hooks/useApps.ts";
import { usePipelines } from "../../../hooks/usePipelines.ts";
import { Button } from "../../ui/Button.tsx";
import { EmptyState } from "../../ui/EmptyState.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { CreatePipelineDialog } from "./CreatePipelineDialog.tsx";

export function PipelineList() {
  const pipelines = usePipelines();
  const teams = useTeams();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? "";

  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Pipelines</h1>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create pipeline
        </Button>
      </div>
      <div className="mt-5">
        {pipelines.isPending ? (
          <LoadingBlock label="Loading pipelines…" />
        ) : pipelines.isError ? (
          <ErrorNotice title="The pipelines could not be loaded." error={pipelines.error} onRetry={() => pipelines.refetch()} />
        ) : pipelines.data.length === 0 ? (
          <EmptyState title="No pipelines yet." testId="pipelines-empty">
            <p>A pipeline groups apps into stages (development, staging, production) and promotes a build from one to the next.</p>
          </EmptyState>
        ) : (
          <ul aria-label="Pipelines" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {pipelines.data.map((p) => (
              <li key={p.id} data-testid="pipeline-card" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <h2 className="text-base font-semibold">
                  <Link to={`/paas/pipelines/${p.name}`} className="text-indigo-800 hover:underline">
                    {p.name}
                  </Link>
                </h2>
                <p className="mt-1 text-sm text-slate-700">
                  {p.appCount} app{p.appCount === 1 ? "" : "s"}, {p.reviewAppCount} review app{p.reviewAppCount === 1 ? "" : "s"}
                </p>
                <p className="text-xs text-slate-600">{teamName(p.teamId)}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
      {creating && (
        <CreatePipelineDialog
          onClose={() => setCreating(false)}
          onCreated={(p) => {
            setCreating(false);
            navigate(`/paas/pipelines/${p.name}`);
          }}
        />
      )}
    </div>
  );
}

export default PipelineList;
