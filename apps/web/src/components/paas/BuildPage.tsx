import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useBuildLog } from "../../hooks/useBuildLog.ts";
import { useBuild, useCancelBuild } from "../../hooks/useBuilds.ts";
import { useNow } from "../../hooks/useNow.ts";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format.ts";
import { errorCode, useTRPC } from "../../lib/trpc.ts";
import { Button, buttonClass } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { BuildDeployment } from "./BuildDeployment.tsx";
import { BuildLog } from "./BuildLog.tsx";
import { BuildPlan } from "./BuildPlan.tsx";
import { BuildStages } from "./BuildStages.tsx";
import { BuildStatusBadge } from "./BuildStatusBadge.tsx";
import { BuildVulnerabilities } from "./BuildVulnerabilities.tsx";
import { type Build, cacheLabel, describeSource, isActiveBuild } from "./builds.ts";
import { StepWaterfall } from "./StepWaterfall.tsx";
import { type AppDetail, can } from "./types.ts";

/** One build: its header, stages, live log and plan, all updating as the build runs. */
export function BuildPage({ app }: { app: AppDetail }) {
  const { buildId = "" } = useParams();
  // The dashboard's event stream (useAppEvents) refreshes it on every build.updated.
  const build = useBuild(app.name, buildId);
  const backTo = `/paas/apps/${encodeURIComponent(app.name)}/deployments`;

  if (build.isPending) return <LoadingBlock label="Loading the build…" />;
  if (build.isError) {
    if (errorCode(build.error) === "NOT_FOUND") {
      return (
        <EmptyState title="This app has no such build." testId="build-not-found">
          <Link to={backTo} className={buttonClass("secondary", "mt-3")}>
            Back to the builds
          </Link>
        </EmptyState>
      );
    }
    return <ErrorNotice title="The build could not be loaded." error={build.error} onRetry={() => build.refetch()} />;
  }

  const b = build.data;
  return (
    <div className="space-y-6">
      <BuildHeader app={app} build={b} backTo={backTo} />
      <BuildStages stages={b.stages} />
      <StepWaterfall kind="build" app={app.name} id={b.id} status={b.status} live={isActiveBuild(b.status)} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <LiveLog key={b.id} app={app} build={b} />
        </div>
        <BuildPlan plan={b.plan} />
      </div>
      <BuildVulnerabilities app={app.name} build={b} />
    </div>
  );
}

function BuildHeader({ app, build, backTo }: { app: AppDetail; build: Build; backTo: string }) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useCancelBuild(app.name);
  const active = isActiveBuild(build.status);
  const now = useNow(build.status === "running");
  const cache = cacheLabel(build.cacheHit);
  const duration =
    build.durationMs !== null
      ? formatDuration(build.durationMs)
      : build.status === "running" && build.startedAt
        ? `${formatDuration(Math.max(0, now - build.startedAt.getTime()))} so far`
        : "—";

  return (
    <header>
      <p className="text-sm">
        <Link to={backTo} className="text-indigo-800 hover:underline">
          ← All builds
        </Link>
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold" data-testid="build-title">
          Build #{build.number}
        </h2>
        <BuildStatusBadge status={build.status} />
        {active && can.edit(app.role) && (
          <Button variant="dangerGhost" className="ml-auto" onClick={() => setConfirming(true)} disabled={cancel.isPending}>
            Cancel build
          </Button>
        )}
      </div>
      <dl className="mt-3 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)_max-content_minmax(0,1fr)]">
        <dt className="text-slate-600">Source</dt>
        <dd className="break-all" data-testid="build-source">
          {describeSource(build.source)}
        </dd>
        <dt className="text-slate-600">Commit</dt>
        <dd className="font-mono text-xs leading-5" title={build.commitSha ?? undefined}>
          {build.commitSha ? build.commitSha.slice(0, 12) : <span className="font-sans text-sm text-slate-600">none (not from git)</span>}
        </dd>
        <dt className="text-slate-600">Started</dt>
        <dd>
          {build.startedAt ? (
            <time dateTime={build.startedAt.toISOString()} title={formatDateTime(build.startedAt)}>
              {formatRelative(build.startedAt)}
            </time>
          ) : (
            "waiting in the queue"
          )}
        </dd>
        <dt className="text-slate-600">Duration</dt>
        <dd data-testid="build-duration">{duration}</dd>
        <dt className="text-slate-600">Dependencies</dt>
        <dd data-testid="build-cache">{cache ?? "not resolved yet"}</dd>
      </dl>
      {build.status === "failed" && build.error && (
        <p
          data-testid="build-error"
          className="mt-3 whitespace-pre-wrap break-words rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
        >
          {build.error}
        </p>
      )}
      <BuildDeployment app={app.name} build={build} deploymentsPath={backTo} />
      {confirming && (
        <Dialog title={`Cancel build #${build.number}?`} onClose={() => setConfirming(false)} testId="cancel-build-dialog">
          <p className="text-sm text-slate-700">The build stops where it is. Its log so far is kept.</p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Keep building</Button>
            <Button
              variant="danger"
              onClick={() => {
                cancel.mutate({ app: app.name, id: build.id });
                setConfirming(false);
              }}
            >
              Cancel build
            </Button>
          </div>
        </Dialog>
      )}
    </header>
  );
}

/** The log, followed live while the build runs; its end refreshes the build's status and stages. */
function LiveLog({ app, build }: { app: AppDetail; build: Build }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const log = useBuildLog(app.name, build.id, {
    live: isActiveBuild(build.status),
    onFinished: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.builds.get.queryKey({ app: app.name, id: build.id }) });
      void queryClient.invalidateQueries({ queryKey: trpc.builds.list.queryKey({ app: app.name }) });
    },
  });
  return (
    <>
      <BuildLog lines={log.lines} count={log.count} connection={log.connection} downloadName={`${app.name}-build-${build.number}.log`} />
      {log.connection === "disconnected" && log.error !== null && (
        <div className="mt-2">
          <ErrorNotice title="The log stream stopped." error={log.error} />
        </div>
      )}
    </>
  );
}

export default BuildPage;
