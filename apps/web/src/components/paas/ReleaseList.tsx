import { useState } from "react";
import { type Deployment, type Release, useReleases, useRollback } from "../../hooks/useDeployments.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { type AppDetail, can } from "./types.ts";

/** Asks before rolling back: a rollback is a new release and a new deployment, not an undo. */
function ConfirmRollback({
  app,
  target,
  current,
  onClose,
  onRolledBack,
}: {
  app: string;
  target: Release;
  current: Release | undefined;
  onClose: () => void;
  onRolledBack: (deployment: Deployment) => void;
}) {
  const rollback = useRollback(app);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={`Roll back to v${target.version}?`} onClose={onClose} testId="rollback-dialog">
      <p className="text-sm text-slate-700">
        This deploys the build and config of v{target.version} ({target.description}) again, as a new release.
        {current ? ` v${current.version} keeps serving until the new instances are healthy.` : ""}
      </p>
      {error && (
        <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="rollback-error">
          {error}
        </p>
      )}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="danger"
          disabled={rollback.isPending}
          onClick={() =>
            rollback.mutate(
              { app, release: target.version },
              {
                onSuccess: (deployment) => {
                  onRolledBack(deployment);
                  onClose();
                },
                onError: (e) => setError(errorMessage(e)),
              },
            )
          }
        >
          {rollback.isPending ? "Rolling back…" : `Roll back to v${target.version}`}
        </Button>
      </div>
    </Dialog>
  );
}

/** The app's releases, newest first; any release but the current one can be deployed again. */
export function ReleaseList({ app, onRolledBack }: { app: AppDetail; onRolledBack: (deployment: Deployment) => void }) {
  const releases = useReleases(app.name);
  const [target, setTarget] = useState<Release | null>(null);

  if (releases.isPending) return <LoadingBlock label="Loading the releases…" rows={2} />;
  if (releases.isError)
    return <ErrorNotice title="The releases could not be loaded." error={releases.error} onRetry={() => releases.refetch()} />;
  if (releases.data.length === 0) {
    return (
      <EmptyState title="No releases yet." testId="releases-empty">
        Each deployment of a build makes a release: the build with the app's config at that moment.
      </EmptyState>
    );
  }
  const current = releases.data.find((r) => r.id === app.currentReleaseId);
  return (
    <>
      <ul
        className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
        aria-label="Releases"
        data-testid="release-list"
      >
        {releases.data.map((r) => (
          <li
            key={r.id}
            data-testid="release-row"
            data-version={r.version}
            className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm"
          >
            <span className="w-12 font-semibold text-slate-900">v{r.version}</span>
            <span className="min-w-0 flex-1 basis-48 break-words text-slate-800">
              {r.description || r.kind}
              <span className="ml-2 text-xs text-slate-600">{r.kind}</span>
            </span>
            <time className="text-slate-600" dateTime={r.createdAt.toISOString()} title={formatDateTime(r.createdAt)}>
              {formatRelative(r.createdAt)}
            </time>
            {r.id === app.currentReleaseId ? (
              <span
                className="rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800 ring-1 ring-inset ring-green-600/30"
                data-testid="release-current"
              >
                current
              </span>
            ) : (
              can.edit(app.role) &&
              r.storePath !== null && (
                <Button className="py-1" onClick={() => setTarget(r)}>
                  Roll back to v{r.version}
                </Button>
              )
            )}
          </li>
        ))}
      </ul>
      {target && (
        <ConfirmRollback app={app.name} target={target} current={current} onClose={() => setTarget(null)} onRolledBack={onRolledBack} />
      )}
    </>
  );
}
