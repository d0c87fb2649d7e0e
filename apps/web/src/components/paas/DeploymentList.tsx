import { type Deployment, isActiveDeployment, type Release, useDeployments, useReleases } from "../../hooks/useDeployments.ts";
import { useNow } from "../../hooks/useNow.ts";
import { useSession } from "../../hooks/useSession.ts";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format.ts";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { DeploymentSteps } from "./DeploymentSteps.tsx";
import { asSteps, deploymentKind, strategyLabel, versionOf } from "./deployments.ts";
import { RuntimeBadge } from "./RuntimeBadge.tsx";
import { StepWaterfall } from "./StepWaterfall.tsx";

function DeploymentRow({
  app,
  deployment: d,
  releases,
  open,
  onToggle,
  me,
}: {
  app: string;
  deployment: Deployment;
  releases: Release[] | undefined;
  open: boolean;
  onToggle: () => void;
  me: string | undefined;
}) {
  const running = d.status === "running" && d.startedAt !== null;
  const now = useNow(running);
  const duration =
    d.durationMs !== null ? formatDuration(d.durationMs) : running && d.startedAt ? formatDuration(now - d.startedAt.getTime()) : "—";
  const who = d.createdBy === null ? "the platform" : d.createdBy === me ? "you" : "a teammate";
  const panelId = `deployment-${d.id}`;
  return (
    <li data-testid="deployment-row" data-deployment={d.id} data-status={d.status}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={onToggle}
        className="flex w-full flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-left text-sm hover:bg-slate-50"
      >
        <span aria-hidden="true" className="w-3 text-slate-500">
          {open ? "▾" : "▸"}
        </span>
        <span className="w-28 font-medium text-slate-900">
          {deploymentKind(d)} <span data-testid="deployment-release">{versionOf(releases, d.releaseId)}</span>
        </span>
        <RuntimeBadge kind="deployment" value={d.status} />
        <span className="w-20 text-slate-700">{strategyLabel(d.strategy)}</span>
        <span className="w-20 tabular-nums text-slate-700">
          <span className="sr-only">Duration: </span>
          {duration}
        </span>
        <span className="text-slate-600">
          by {who},{" "}
          <time dateTime={d.createdAt.toISOString()} title={formatDateTime(d.createdAt)}>
            {formatRelative(d.createdAt)}
          </time>
        </span>
      </button>
      {open && (
        <div id={panelId} className="border-t border-slate-100 bg-slate-50 px-4 py-3" data-testid="deployment-detail">
          <DeploymentSteps steps={asSteps(d.steps)} />
          <div className="mt-4">
            <StepWaterfall kind="deployment" app={app} id={d.id} status={d.status} live={isActiveDeployment(d.status)} />
          </div>
          {d.error && (
            <p
              className="mt-3 whitespace-pre-wrap break-words rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
              data-testid="deployment-error"
            >
              {d.error}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

/** The app's deployments, newest first and live while one runs; a row opens to its steps. */
export function DeploymentList({ app, open, onToggle }: { app: string; open: ReadonlySet<string>; onToggle: (id: string) => void }) {
  const deployments = useDeployments(app);
  const releases = useReleases(app);
  const { data: session } = useSession();

  if (deployments.isPending) return <LoadingBlock label="Loading the deployments…" rows={2} />;
  if (deployments.isError) {
    return <ErrorNotice title="The deployments could not be loaded." error={deployments.error} onRetry={() => deployments.refetch()} />;
  }
  if (deployments.data.length === 0) {
    return (
      <EmptyState title="Nothing has been deployed yet." testId="deployments-empty">
        Deploy a succeeded build above; its steps show here as they happen.
      </EmptyState>
    );
  }
  return (
    <ul
      className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
      aria-label="Deployments"
      data-testid="deployment-list"
    >
      {deployments.data.map((d) => (
        <DeploymentRow
          key={d.id}
          app={app}
          deployment={d}
          releases={releases.data}
          open={open.has(d.id)}
          onToggle={() => onToggle(d.id)}
          me={session?.user?.id}
        />
      ))}
    </ul>
  );
}
