import { Link } from "react-router";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { Button } from "../ui/Button.tsx";
import { StatusBadge } from "../ui/StatusBadge.tsx";
import type { AppSummary } from "./types.ts";

export function AppCard({ app, onDelete }: { app: AppSummary; onDelete?: (app: AppSummary) => void }) {
  return (
    <li data-testid="app-card" className="flex flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-start justify-between gap-2">
        <h2 className="min-w-0 break-words text-base font-semibold">
          <Link to={`/paas/apps/${app.name}`} className="text-indigo-800 hover:underline">
            {app.name}
          </Link>
        </h2>
        <StatusBadge status={app.status} />
      </div>
      <p className="mt-1 line-clamp-2 text-sm text-slate-700">
        {app.description || <span className="text-slate-600">No description</span>}
      </p>
      <dl className="mt-3 grid grid-cols-2 gap-x-3 gap-y-1 text-xs text-slate-600">
        <dt className="sr-only">Team</dt>
        <dd className="truncate">{app.teamName}</dd>
        <dt className="sr-only">Stack</dt>
        <dd className="truncate text-right">{app.stack ?? "stack not detected"}</dd>
        <dt className="sr-only">Updated</dt>
        <dd className="col-span-2">
          <time dateTime={app.updatedAt.toISOString()} title={formatDateTime(app.updatedAt)}>
            Updated {formatRelative(app.updatedAt)}
          </time>
        </dd>
      </dl>
      {onDelete && (
        <div className="mt-2 flex justify-end border-t border-slate-100 pt-2">
          <Button variant="dangerGhost" aria-label={`Delete ${app.name}`} onClick={() => onDelete(app)}>
            Delete
          </Button>
        </div>
      )}
    </li>
  );
}
