import { useRotateWebhookSecret } from "../../../hooks/useReviewApps.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";

/**
 * The pipeline's webhook (GitHub-compatible pull_request events). A new secret is shown once,
 * with the URL to give the git host (the server answers with its path; the origin is this page's).
 */
export function WebhookSecret({ pipeline, hasSecret }: { pipeline: string; hasSecret: boolean }) {
  const rotate = useRotateWebhookSecret();
  return (
    <div className="mt-4 border-t border-slate-100 pt-3" data-testid="review-webhook">
      <h3 className="text-sm font-semibold">Webhook</h3>
      <p className="mt-1 text-sm text-slate-700">
        {hasSecret
          ? "A secret is set. A new one replaces it: update the git host's webhook with it."
          : "No secret yet: make one to receive pull request events."}
      </p>
      {rotate.data && (
        <div
          role="status"
          className="mt-2 space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
          data-testid="webhook-secret"
        >
          <p className="font-medium text-amber-900">Copy the secret now: it is not shown again.</p>
          <p>
            URL:{" "}
            <code className="break-all" data-testid="webhook-url">
              {new URL(rotate.data.url, window.location.origin).href}
            </code>
          </p>
          <p>
            Secret:{" "}
            <code className="break-all" data-testid="webhook-secret-value">
              {rotate.data.secret}
            </code>
          </p>
        </div>
      )}
      {rotate.isError && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorMessage(rotate.error)}
        </p>
      )}
      <Button className="mt-2" disabled={rotate.isPending} onClick={() => rotate.mutate({ pipeline })}>
        {hasSecret ? "Rotate the webhook secret" : "Make a webhook secret"}
      </Button>
    </div>
  );
}
