import { Link } from "react-router";
import { Button } from "../../ui/Button.tsx";
import { StatusBadge } from "../../ui/StatusBadge.tsx";
import { ReleaseSummary } from "./ReleaseSummary.tsx";
import type { StageApp } from "./types.ts";

/** One app in a stage column; Promote only where there is a next stage and a release to move. */
export function StageAppCard({
  app,
  canPromote,
  onPromote,
  onRemove,
}: {
  app: StageApp;
  canPromote: boolean;
  onPromote: (app: StageApp) => void;
  onRemove: (app: StageApp) => void;
}) {
  return (
    <li data-testid="stage-app" data-app={app.name} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <div className="flex items-start justify-between gap-2">
        <h3 className="min-w-0 break-words text-sm font-semibold">
          <Link to={`/paas/apps/${app.name}`} className="text-indigo-800 hover:underline">
            {app.name}
          </Link>
        </h3>
        <StatusBadge status={app.status} />
      </div>
      {app.url && (
        <a href={app.url} className="mt-1 block truncate text-xs text-indigo-800 hover:underline" data-testid="stage-app-url">
          {app.url}
        </a>
      )}
      <div className="mt-2">
        <ReleaseSummary release={app.release} />
      </div>
      <div className="mt-2 flex flex-wrap justify-end gap-1 border-t border-slate-100 pt-2">
        <Button variant="dangerGhost" aria-label={`Take ${app.name} out of the pipeline`} onClick={() => onRemove(app)}>
          Remove
        </Button>
        {canPromote && (
          <Button
            variant="primary"
            aria-label={`Promote ${app.name}`}
            disabled={!app.release}
            title={app.release ? undefined : "Deploy this app first: it has no release to promote."}
            onClick={() => onPromote(app)}
          >
            Promote
          </Button>
        )}
      </div>
    </li>
  );
}
