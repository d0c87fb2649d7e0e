import type { ReactNode } from "react";
import { Link } from "react-router";
import { useAppActivity } from "../../hooks/useApp.ts";
import { useDeployments, useReleases, useRuntimeOverview } from "../../hooks/useDeployments.ts";
import { useSession } from "../../hooks/useSession.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { StatusBadge } from "../ui/StatusBadge.tsx";
import { describeActivity } from "./activity.ts";
import { strategyLabel } from "./deployments.ts";
import { InstanceTable } from "./InstanceTable.tsx";
import { OneOffTable } from "./OneOffTable.tsx";
import { RuntimeBadge } from "./RuntimeBadge.tsx";
import { ScaleForm } from "./ScaleForm.tsx";
import type { AppDetail } from "./types.ts";

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="mt-3 text-sm">{children}</div>
    </section>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="text-slate-600">{children}</p>;
}

function When({ date }: { date: Date }) {
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {formatRelative(date)}
    </time>
  );
}

export function AppOverview({ app }: { app: AppDetail }) {
  const base = `/paas/apps/${app.name}`;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="min-w-0 space-y-4 lg:col-span-2">
        <Card title="Summary" testId="app-summary">
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-6 gap-y-2">
            <dt className="text-slate-600">Status</dt>
            <dd>
              <StatusBadge status={app.status} />
            </dd>
            <AppAddress app={app} />
            <dt className="text-slate-600">Team</dt>
            <dd>{app.teamName}</dd>
            <dt className="text-slate-600">Stack</dt>
            <dd>{app.stack ?? "Detected at the first build"}</dd>
            <dt className="text-slate-600">Created</dt>
            <dd>{formatDateTime(app.createdAt)}</dd>
            <dt className="text-slate-600">Config vars</dt>
            <dd>
              <Link to={`${base}/settings`} className="text-indigo-800 hover:underline" data-testid="config-var-count">
                {app.configVarCount === 1 ? "1 var" : `${app.configVarCount} vars`}
              </Link>
            </dd>
          </dl>
        </Card>
        <Card title="Instances" testId="overview-instances">
          <IsolationWarning app={app.name} />
          <InstanceTable app={app.name} />
        </Card>
        <Card title="One-off processes" testId="overview-one-offs">
          <OneOffTable app={app.name} />
        </Card>
        <Card title="Scale" testId="overview-scale">
          <ScaleForm app={app} />
        </Card>
        <div className="grid gap-4 sm:grid-cols-2">
          <RecentReleases app={app} />
          <RecentDeployments app={app} />
        </div>
        <Card title="Domains" testId="overview-domains">
          {app.domains.length === 0 ? (
            <Empty>No domains are attached.</Empty>
          ) : (
            <ul>
              {app.domains.map((d) => (
                <li key={d.id} className="break-all">
                  {d.hostname} · {d.tlsStatus === "none" ? "HTTP only, no certificate yet" : `TLS ${d.tlsStatus}`}
                </li>
              ))}
            </ul>
          )}
          <Link to={`${base}/settings`} className="mt-2 inline-block text-sm text-indigo-800 hover:underline">
            Add or remove domains in Settings
          </Link>
        </Card>
      </div>
      <ActivityList app={app} />
    </div>
  );
}

/** The app's URL and current release, or why it has none. */
function AppAddress({ app }: { app: AppDetail }) {
  const runtime = useRuntimeOverview(app.name);
  const releases = useReleases(app.name);
  const current = releases.data?.find((r) => r.id === app.currentReleaseId);
  return (
    <>
      <dt className="text-slate-600">URL</dt>
      <dd data-testid="app-url-row" className="break-all">
        {runtime.isPending ? (
          "…"
        ) : runtime.isError ? (
          <span className="text-red-700">{errorMessage(runtime.error)}</span>
        ) : runtime.data.url ? (
          <a href={runtime.data.url} target="_blank" rel="noreferrer" className="text-indigo-800 hover:underline" data-testid="app-url">
            {runtime.data.url}
          </a>
        ) : runtime.data.runtimeMode === null ? (
          "None: this platform was started without a runtime, so it builds apps but runs none."
        ) : (
          "None: this platform runs apps without a router in front, so they have no address."
        )}
      </dd>
      <dt className="text-slate-600">Release</dt>
      <dd data-testid="current-release">
        {current ? (
          <>
            <span className="font-medium">v{current.version}</span> · {current.description} · <When date={current.createdAt} />
          </>
        ) : app.currentReleaseId && releases.isPending ? (
          "…"
        ) : (
          "None yet: deploy a build from the Deployments tab."
        )}
      </dd>
    </>
  );
}

/** Process mode runs apps as plain processes of the platform's user: say so where the instances are. */
function IsolationWarning({ app }: { app: string }) {
  const runtime = useRuntimeOverview(app);
  if (runtime.data?.runtimeMode !== "process") return null;
  return (
    <p role="note" data-testid="process-mode-warning" className="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
      <strong className="font-semibold">Instances are not isolated.</strong> This platform runs apps in process mode: as plain processes of
      the platform's user, sharing its files, network and limits, with no container around them. Use it for development only.
    </p>
  );
}

function RecentReleases({ app }: { app: AppDetail }) {
  const releases = useReleases(app.name);
  return (
    <Card title="Releases" testId="overview-releases">
      {releases.isPending ? (
        <LoadingBlock label="Loading the releases…" rows={1} />
      ) : releases.isError ? (
        <ErrorNotice error={releases.error} onRetry={() => releases.refetch()} />
      ) : releases.data.length === 0 ? (
        <Empty>No releases yet. Deploying a build makes one.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {releases.data.slice(0, 5).map((r) => (
            <li key={r.id} className="flex justify-between gap-3 py-1.5">
              <span className="min-w-0">
                <span className="font-medium">v{r.version}</span> {r.description}
                {r.id === app.currentReleaseId && <span className="ml-1 text-xs font-medium text-green-800">(current)</span>}
              </span>
              <When date={r.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RecentDeployments({ app }: { app: AppDetail }) {
  const deployments = useDeployments(app.name);
  return (
    <Card title="Deployments" testId="overview-deployments">
      {deployments.isPending ? (
        <LoadingBlock label="Loading the deployments…" rows={1} />
      ) : deployments.isError ? (
        <ErrorNotice error={deployments.error} onRetry={() => deployments.refetch()} />
      ) : deployments.data.length === 0 ? (
        <Empty>Nothing has been deployed yet.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100">
          {deployments.data.slice(0, 5).map((d) => (
            <li key={d.id} className="flex flex-wrap justify-between gap-x-3 gap-y-1 py-1.5">
              <span>
                <RuntimeBadge kind="deployment" value={d.status} /> {strategyLabel(d.strategy)}
              </span>
              <When date={d.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function ActivityList({ app }: { app: AppDetail }) {
  const activity = useAppActivity(app.id);
  const { data: session } = useSession();
  return (
    <Card title="Recent activity" testId="app-activity">
      {activity.isPending ? (
        <LoadingBlock label="Loading activity…" rows={2} />
      ) : activity.isError ? (
        <ErrorNotice error={activity.error} onRetry={() => activity.refetch()} />
      ) : activity.data.length === 0 ? (
        <EmptyState title="No activity yet." />
      ) : (
        <ol className="space-y-3">
          {activity.data.map((entry) => (
            <li key={entry.id}>
              <p className="text-slate-900">{describeActivity(entry.action, entry.details)}</p>
              <p className="text-xs text-slate-600">
                {entry.actorId === null ? "by the platform" : entry.actorId === session?.user?.id ? "by you" : "by a teammate"} ·{" "}
                <When date={entry.createdAt} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

export default AppOverview;
