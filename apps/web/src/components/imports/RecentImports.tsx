import { useId } from "react";
import { Link } from "react-router";
import { useRecentImports } from "../../hooks/useImports.ts";
import { cx } from "../../lib/cx.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { IMPORT_STATUS } from "./importWords.ts";

/** The user's newest imports, each opening its progress and result. */
export function RecentImports() {
  const recent = useRecentImports();
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="space-y-3">
      <h2 id={titleId} className="text-lg font-semibold">
        Recent imports
      </h2>
      {recent.isPending ? (
        <LoadingBlock label="Loading the recent imports…" rows={1} />
      ) : recent.isError ? (
        <ErrorNotice title="The recent imports could not be loaded." error={recent.error} onRetry={() => recent.refetch()} />
      ) : recent.data.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="imports-empty">
          No imports yet.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="recent-imports">
          {recent.data.map((i) => {
            const status = IMPORT_STATUS[i.status];
            const at = new Date(i.createdAt);
            return (
              <li key={i.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2 text-sm" data-testid="recent-import">
                <Link to={`/paas/import/${i.id}`} className="break-all font-medium text-indigo-800 underline">
                  {i.app.name}
                </Link>
                <span className="break-all text-slate-600">from {i.source}</span>
                <span className={cx("font-medium", status.className)}>
                  <span aria-hidden="true">{status.mark} </span>
                  {status.text}
                </span>
                <time dateTime={i.createdAt} title={formatDateTime(at)} className="text-slate-600">
                  {formatRelative(at)}
                </time>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
