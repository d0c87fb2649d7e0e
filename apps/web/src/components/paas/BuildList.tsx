import { Link } from "react-router";
import { useBuilds } from "../../hooks/useBuilds.ts";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format.ts";
import { Button } from "../ui/Button.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { BuildStatusBadge } from "./BuildStatusBadge.tsx";
import { type BuildSummary, cacheLabel, describeSource } from "./builds.ts";
import type { AppDetail } from "./types.ts";

function BuildRow({ app, build }: { app: AppDetail; build: BuildSummary }) {
  const when = build.startedAt ?? build.createdAt;
  const cache = cacheLabel(build.cacheHit);
  return (
    <li
      data-testid="build-row"
      data-build-number={build.number}
      className="relative flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm hover:bg-slate-50"
    >
      {/* The number is the link; it stretches over the row so the whole row opens the build. */}
      <Link
        to={`/paas/apps/${encodeURIComponent(app.name)}/builds/${build.id}`}
        className="w-12 font-semibold text-indigo-800 after:absolute after:inset-0 hover:underline"
      >
        <span className="sr-only">Build </span>#{build.number}
      </Link>
      <BuildStatusBadge status={build.status} />
      <span className="min-w-0 flex-1 basis-48 truncate text-slate-800" title={describeSource(build.source)} data-testid="build-row-source">
        {describeSource(build.source)}
      </span>
      <span className="w-20 tabular-nums text-slate-700" data-testid="build-row-duration">
        <span className="sr-only">Duration: </span>
        {build.durationMs !== null ? formatDuration(build.durationMs) : build.status === "running" ? "running" : "—"}
      </span>
      <span className="w-24 text-slate-700" data-testid="build-row-cache">
        {cache ?? <span className="text-slate-500">cache —</span>}
      </span>
      <span className="w-32 text-slate-600">
        {build.startedAt ? "started " : "queued "}
        <time dateTime={when.toISOString()} title={formatDateTime(when)}>
          {formatRelative(when)}
        </time>
      </span>
    </li>
  );
}

/** The app's builds, newest first, kept current by the dashboard's event stream (useAppEvents). */
export function BuildList({ app }: { app: AppDetail }) {
  const list = useBuilds(app.name);

  if (list.isPending) return <LoadingBlock label="Loading the builds…" rows={2} />;
  if (list.error) return <ErrorNotice title="The builds could not be loaded." error={list.error} onRetry={() => list.refetch()} />;
  if (list.builds.length === 0) {
    return (
      <EmptyState title="No builds yet." testId="builds-empty">
        Start one above from a git repository or a source archive; it shows here with its progress.
      </EmptyState>
    );
  }
  return (
    <div>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Builds" data-testid="build-list">
        {list.builds.map((b) => (
          <BuildRow key={b.id} app={app} build={b} />
        ))}
      </ul>
      {list.hasOlder && (
        <Button className="mt-3" onClick={list.showOlder} disabled={list.isFetchingOlder}>
          {list.isFetchingOlder ? "Loading…" : "Show older builds"}
        </Button>
      )}
    </div>
  );
}
