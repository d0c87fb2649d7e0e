import { useState } from "react";
import { Link } from "react-router";
import { useRestart, useRuntimeOverview } from "../../hooks/useDeployments.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button, buttonClass } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { type AppDetail, can } from "./types.ts";

/**
 * The header's quick actions, as on Heroku's app page: open the app where it answers, go deploy,
 * and restart (a rolling replacement of every instance, confirmed first because it cycles them).
 */
export function AppActions({ app }: { app: AppDetail }) {
  const runtime = useRuntimeOverview(app.name);
  const restart = useRestart(app.name);
  const [confirming, setConfirming] = useState(false);
  const deployed = Boolean(app.currentReleaseId);
  const url = runtime.data?.url;
  const base = `/paas/apps/${encodeURIComponent(app.name)}`;

  return (
    <>
      {url && deployed && (
        <a href={url} target="_blank" rel="noreferrer" className={buttonClass("secondary")} title={`Open ${url} in a new tab`}>
          Open app
        </a>
      )}
      {can.edit(app.role) && (
        <Link to={`${base}/deployments`} className={buttonClass("primary")} title="Build and deploy a new release">
          Deploy
        </Link>
      )}
      {can.edit(app.role) && deployed && runtime.data?.runtimeMode && (
        <Button onClick={() => setConfirming(true)} title="Replace every running instance with a fresh one">
          Restart
        </Button>
      )}
      {confirming && (
        <Dialog title={`Restart ${app.name}?`} onClose={() => setConfirming(false)} testId="restart-dialog">
          <p className="text-sm text-slate-700">
            Every instance of the current release is replaced by a fresh one, one at a time: each new instance must pass its health check
            before an old one stops, so the app keeps answering. No new release is made.
          </p>
          {restart.isError && (
            <p role="alert" className="mt-3 text-sm text-red-800">
              {errorMessage(restart.error)}
            </p>
          )}
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={restart.isPending}
              onClick={() => restart.mutate({ app: app.name }, { onSuccess: () => setConfirming(false) })}
            >
              {restart.isPending ? "Restarting…" : "Restart all instances"}
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}
