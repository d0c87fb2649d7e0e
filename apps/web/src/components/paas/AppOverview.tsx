import type { ReactNode } from "react";
import { Link } from "react-router";
import { useAppActivity } from "../../hooks/useApp.ts";
import { useSession } from "../../hooks/useSession.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { StatusBadge } from "../ui/StatusBadge.tsx";
import { describeActivity } from "./activity.ts";
import type { AppDetail } from "./types.ts";

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="rounded-lg border border-slate-200 bg-white p-4">
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
      <div className="space-y-4 lg:col-span-2">
        <Card title="Summary" testId="app-summary">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
            <dt className="text-slate-600">Status</dt>
            <dd>
              <StatusBadge status={app.status} />
            </dd>
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
        <Card title="Releases" testId="overview-releases">
          {app.releases.length === 0 ? (
            <Empty>No releases yet. A release is made by each successful build or config change once the build engine lands.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {app.releases.map((r) => (
                <li key={r.id} className="flex justify-between gap-3 py-1.5">
                  <span>
                    <span className="font-medium">v{r.version}</span> {r.description}
                  </span>
                  <When date={r.createdAt} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Deployments" testId="overview-deployments">
          {app.deployments.length === 0 ? (
            <Empty>Nothing has been deployed yet; deployments arrive with the build and runtime engine.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {app.deployments.map((d) => (
                <li key={d.id} className="flex justify-between gap-3 py-1.5">
                  <span>
                    <span className="font-medium">{d.status}</span> · {d.strategy}
                  </span>
                  <When date={d.createdAt} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <div className="grid gap-4 sm:grid-cols-2">
          <Card title="Instances" testId="overview-instances">
            {app.instances.length === 0 ? (
              <Empty>No instances are running.</Empty>
            ) : (
              <ul>
                {app.instances.map((i) => (
                  <li key={i.id}>
                    {i.processType}: {i.status}, health {i.healthStatus}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Domains" testId="overview-domains">
            {app.domains.length === 0 ? (
              <Empty>No domains are attached.</Empty>
            ) : (
              <ul>
                {app.domains.map((d) => (
                  <li key={d.id} className="break-all">
                    {d.hostname} · TLS {d.tlsStatus}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
      <ActivityList app={app} />
    </div>
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
