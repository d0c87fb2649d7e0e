import { useEffect } from "react";
import { Link } from "react-router";
import { useAppEvents } from "../../../hooks/useAppEvents.ts";
import { isActiveDeployment, useDeployments } from "../../../hooks/useDeployments.ts";
import { useRefreshPipelines } from "../../../hooks/usePipelines.ts";
import { RuntimeBadge } from "../RuntimeBadge.tsx";
import type { Promotion } from "./types.ts";

/**
 * One target's new deployment, followed live through the app's event stream (which refreshes its
 * deployments); when it ends, the pipeline is read again so the card shows the new release.
 */
function PromotionRow({ promotion }: { promotion: Promotion }) {
  const { app, releaseVersion, deploymentId } = promotion;
  useAppEvents(app);
  const deployments = useDeployments(app.name);
  const refresh = useRefreshPipelines();
  const status = deployments.data?.find((d) => d.id === deploymentId)?.status ?? "queued";
  const active = isActiveDeployment(status);

  useEffect(() => {
    if (!active) void refresh();
  }, [active, refresh]);

  return (
    <li className="flex flex-wrap items-center gap-2 text-sm" data-testid="promotion" data-app={app.name} data-status={status}>
      <span className="font-medium text-slate-900">
        {app.name} v{releaseVersion}
      </span>
      <RuntimeBadge kind="deployment" value={status} />
      <Link to={`/paas/apps/${app.name}/deployments`} className="text-indigo-800 hover:underline">
        See the deployment
      </Link>
    </li>
  );
}

export function PromotionProgress({ promotions }: { promotions: Promotion[] }) {
  return (
    <ul aria-label="Promotions" className="space-y-2" data-testid="promotion-progress">
      {promotions.map((p) => (
        <PromotionRow key={p.deploymentId} promotion={p} />
      ))}
    </ul>
  );
}
