import { formatDateTime } from "../../lib/format.ts";
import { BuildList } from "./BuildList.tsx";
import { DeployForm } from "./DeployForm.tsx";
import { EngineNotice } from "./EngineNotice.tsx";
import { type AppDetail, can } from "./types.ts";

/** The Deployments tab: start a build, follow the app's builds; deployments proper come with the runtime. */
export function DeploymentHistory({ app }: { app: AppDetail }) {
  return (
    <div className="space-y-6">
      {can.edit(app.role) ? (
        <DeployForm app={app} />
      ) : (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">
          Your role in this team is {app.role}: you can follow the builds; members, admins and owners start them.
        </p>
      )}
      <section aria-labelledby="builds-title">
        <h2 id="builds-title" className="mb-3 text-lg font-semibold">
          Builds
        </h2>
        <BuildList app={app} />
      </section>
      {app.deployments.length === 0 ? (
        <EngineNotice title="Deployments" testId="deployments-empty">
          <p>Deploying a build arrives with the runtime engine; nothing has been deployed yet.</p>
          <p>Once it lands, each deployment shows here with its steps and a rollback button.</p>
        </EngineNotice>
      ) : (
        <section aria-labelledby="deployments-title">
          <h2 id="deployments-title" className="text-lg font-semibold">
            Deployments
          </h2>
          <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {app.deployments.map((d) => (
              <li key={d.id} className="px-4 py-3 text-sm">
                <span className="font-medium">{d.status}</span> ·{" "}
                <time dateTime={d.createdAt.toISOString()}>{formatDateTime(d.createdAt)}</time>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export default DeploymentHistory;
