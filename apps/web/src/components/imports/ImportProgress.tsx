import { useEffect, useId, useRef } from "react";
import { Link } from "react-router";
import { useImport } from "../../hooks/useImports.ts";
import { cx } from "../../lib/cx.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { errorCode } from "../../lib/trpc.ts";
import { buttonClass } from "../ui/Button.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { ImportResult } from "./ImportResult.tsx";
import { ImportSteps } from "./ImportSteps.tsx";
import { IMPORT_STATUS } from "./importWords.ts";

/** Steps 4 and 5 for one import, at its own address so a reload keeps following it. */
export function ImportProgress({ id }: { id: string }) {
  const query = useImport(id);
  const stepsId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = query.data !== undefined;

  // Arriving from the wizard (or a link), the focus lands on what the page is about.
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);

  if (!query.data) {
    if (query.isPending) return <LoadingBlock label="Loading the import…" />;
    if (errorCode(query.error) === "NOT_FOUND")
      return (
        <EmptyState title={`No import with id "${id}" is visible to you.`} testId="import-not-found">
          <Link to="/paas/import" className={buttonClass("secondary", "mt-3")}>
            Back to imports
          </Link>
        </EmptyState>
      );
    return <ErrorNotice title="The import could not be loaded." error={query.error} onRetry={() => query.refetch()} />;
  }

  const view = query.data;
  const status = IMPORT_STATUS[view.status];
  const createdAt = new Date(view.createdAt);
  return (
    <div className="space-y-6" data-testid="import-progress" data-status={view.status}>
      <div>
        <Link to="/paas/import" className="text-sm font-medium text-indigo-800 underline">
          All imports
        </Link>
        <h1 ref={heading} tabIndex={-1} className="mt-2 break-all text-2xl font-semibold focus:outline-none">
          Import of {view.app.name}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          From {view.source}, started{" "}
          <time dateTime={view.createdAt} title={formatDateTime(createdAt)}>
            {formatRelative(createdAt)}
          </time>
          {" · "}
          <span className={cx("font-medium", status.className)} data-testid="import-status">
            <span aria-hidden="true">{status.mark} </span>
            {status.text}
          </span>
        </p>
      </div>
      {query.isError && (
        <ErrorNotice
          title="The import's progress could not be read just now; it goes on."
          error={query.error}
          onRetry={() => query.refetch()}
        />
      )}
      <section aria-labelledby={stepsId} className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id={stepsId} className="mb-2 text-lg font-semibold">
          Steps
        </h2>
        <ImportSteps status={view.status} steps={view.steps} />
      </section>
      <ImportResult view={view} />
    </div>
  );
}
