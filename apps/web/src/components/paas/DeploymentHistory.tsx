import { useState } from "react";
import type { Deployment } from "../../hooks/useDeployments.ts";
import { BuildList } from "./BuildList.tsx";
import { DeployBuildForm } from "./DeployBuildForm.tsx";
import { DeployForm } from "./DeployForm.tsx";
import { DeploymentList } from "./DeploymentList.tsx";
import { ReleaseList } from "./ReleaseList.tsx";
import { type AppDetail, can } from "./types.ts";

/** The Deployments tab: build the source, deploy a build, follow deployments, roll back to a release. */
export function DeploymentHistory({ app }: { app: AppDetail }) {
  // Deployments opened to their steps; one the user starts opens by itself.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const started = (d: Deployment) => setOpen((o) => new Set(o).add(d.id));
  const editable = can.edit(app.role);

  return (
    <div className="space-y-6">
      {editable ? (
        <DeployForm app={app} />
      ) : (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">
          Your role in this team is {app.role}: you can follow builds and deployments; members, admins and owners start them.
        </p>
      )}
      <section aria-labelledby="builds-title">
        <h2 id="builds-title" className="mb-3 text-lg font-semibold">
          Builds
        </h2>
        <BuildList app={app} />
      </section>
      <section aria-labelledby="deployments-title" className="space-y-3">
        <h2 id="deployments-title" className="text-lg font-semibold">
          Deployments
        </h2>
        {editable && <DeployBuildForm app={app} onDeployed={started} />}
        <DeploymentList app={app.name} open={open} onToggle={toggle} />
      </section>
      <section aria-labelledby="releases-title" className="space-y-3">
        <h2 id="releases-title" className="text-lg font-semibold">
          Releases
        </h2>
        <ReleaseList app={app} onRolledBack={started} />
      </section>
    </div>
  );
}

export default DeploymentHistory;
