import { Link } from "react-router";
import { isActiveDeployment, useDeployments } from "../../hooks/useDeployments.ts";
import type { Build } from "./builds.ts";
import { deploymentOfBuild } from "./deployments.ts";
import { RuntimeBadge } from "./RuntimeBadge.tsx";

/**
 * What happens to a build after it: the deployment that waits for it ("deploy when the build
 * succeeds"), with its status, or, for a succeeded build nobody deployed, where to deploy it.
 */
export function BuildDeployment({ app, build, deploymentsPath }: { app: string; build: Build; deploymentsPath: string }) {
  const deployments = useDeployments(app);
  const waiting = deploymentOfBuild(deployments.data, build.id);
  if (waiting) {
    return (
      <p
        className="mt-3 flex flex-wrap items-center gap-2 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700"
        data-testid="build-deployment"
      >
        {build.status !== "succeeded" && isActiveDeployment(waiting.status)
          ? "Deploys when the build succeeds:"
          : "This build's deployment:"}
        <RuntimeBadge kind="deployment" value={waiting.status} />
        <Link to={deploymentsPath} className="text-indigo-800 underline">
          follow it on the Deployments tab
        </Link>
      </p>
    );
  }
  if (build.status !== "succeeded") return null;
  return (
    <p className="mt-3 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="build-next">
      The artifact is built; it runs nowhere until it is deployed. Deploy it from the{" "}
      <Link to={deploymentsPath} className="text-indigo-800 underline">
        Deployments tab
      </Link>
      .
    </p>
  );
}
