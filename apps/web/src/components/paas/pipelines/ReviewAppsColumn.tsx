import { useState } from "react";
import { Link } from "react-router";
import { cx } from "../../../lib/cx.ts";
import { formatDateTime, formatRelative } from "../../../lib/format.ts";
import { Button } from "../../ui/Button.tsx";
import { CreateReviewAppForm } from "./CreateReviewAppForm.tsx";
import { DestroyReviewAppDialog } from "./DestroyReviewAppDialog.tsx";
import { ReleaseSummary } from "./ReleaseSummary.tsx";
import type { PipelineView, ReviewAppView } from "./types.ts";

const REVIEW_TONES: Record<ReviewAppView["status"], string> = {
  creating: "bg-amber-100 text-amber-900 ring-amber-600/30",
  deploying: "bg-amber-100 text-amber-900 ring-amber-600/30",
  deployed: "bg-green-100 text-green-800 ring-green-600/30",
  failed: "bg-red-100 text-red-800 ring-red-600/30",
  destroying: "bg-slate-100 text-slate-700 ring-slate-500/30",
  destroyed: "bg-slate-100 text-slate-700 ring-slate-500/30",
};

function ReviewStatus({ status }: { status: ReviewAppView["status"] }) {
  return (
    <span
      data-testid="review-app-status"
      className={cx("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", REVIEW_TONES[status])}
    >
      <span className="sr-only">Review app status: </span>
      {status}
    </span>
  );
}

function ReviewAppCard({ review, onDestroy }: { review: ReviewAppView; onDestroy: (review: ReviewAppView) => void }) {
  return (
    <li
      data-testid="review-app"
      data-branch={review.branch}
      data-status={review.status}
      className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      <div className="flex items-start justify-between gap-2">
        <h3 className="min-w-0 break-words text-sm font-semibold">
          {review.app ? (
            <Link to={`/paas/apps/${review.app.name}`} className="text-indigo-800 hover:underline">
              {review.branch}
            </Link>
          ) : (
            review.branch
          )}
          {review.prNumber !== null && <span className="ml-1 font-normal text-slate-600">PR #{review.prNumber}</span>}
        </h3>
        <ReviewStatus status={review.status} />
      </div>
      {review.app?.url && (
        <a href={review.app.url} className="mt-1 block truncate text-xs text-indigo-800 hover:underline" data-testid="review-app-url">
          {review.app.url}
        </a>
      )}
      {review.error && (
        <p role="alert" className="mt-1 text-xs text-red-700" data-testid="review-app-error">
          {review.error}
        </p>
      )}
      <div className="mt-2">
        <ReleaseSummary release={review.release} />
      </div>
      <p className="mt-1 text-xs text-slate-600" data-testid="review-app-origin">
        From {review.origin}
        {review.expiresAt && (
          <>
            , expires{" "}
            <time dateTime={review.expiresAt.toISOString()} title={formatDateTime(review.expiresAt)}>
              {formatRelative(review.expiresAt)}
            </time>
          </>
        )}
      </p>
      <div className="mt-2 flex justify-end border-t border-slate-100 pt-2">
        <Button
          variant="dangerGhost"
          aria-label={`Destroy the review app of ${review.branch}`}
          disabled={review.status === "destroying"}
          onClick={() => onDestroy(review)}
        >
          Destroy
        </Button>
      </div>
    </li>
  );
}

/** The review stage: live review apps, oldest first, and a form to create one for a branch. */
export function ReviewAppsColumn({ pipeline }: { pipeline: PipelineView }) {
  const [destroying, setDestroying] = useState<ReviewAppView | null>(null);
  const { reviewApps, review } = pipeline;
  return (
    <section
      aria-label="Review apps"
      data-testid="stage"
      data-stage="review"
      className="flex min-w-0 flex-col gap-3 rounded-lg bg-slate-50 p-3"
    >
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-700">
        Review apps{" "}
        <span className="font-normal normal-case text-slate-600">
          ({reviewApps.length} of {review.maxApps})
        </span>
      </h2>
      {!review.enabled && (
        <p className="text-sm text-slate-600">Review apps are off for this pipeline: turn them on in the settings below.</p>
      )}
      {reviewApps.length === 0 ? (
        <p className="text-sm text-slate-600">No review apps.</p>
      ) : (
        <ul aria-label="Review apps of this pipeline" className="space-y-3">
          {reviewApps.map((r) => (
            <ReviewAppCard key={r.id} review={r} onDestroy={setDestroying} />
          ))}
        </ul>
      )}
      {review.enabled && <CreateReviewAppForm pipeline={pipeline.id} />}
      {destroying && <DestroyReviewAppDialog pipeline={pipeline.id} review={destroying} onClose={() => setDestroying(null)} />}
    </section>
  );
}
