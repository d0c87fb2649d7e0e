import { formatDateTime } from "../../lib/format.ts";
import { EngineNotice } from "./EngineNotice.tsx";
import type { AppDetail } from "./types.ts";

export function DeploymentHistory({ app }: { app: AppDetail }) {
  if (app.deployments.length === 0) {
    return (
      <EngineNotice title="Deployments" testId="deployments-empty">
        <p>Deployments arrive with the build and runtime engine; nothing has been deployed yet.</p>
        <p>Once it lands, each push or upload shows here with its build stages, live progress and log, and a rollback button.</p>
      </EngineNotice>
    );
  }
  return (
    <div>
      <h2 className="text-lg font-semibold">Deployments</h2>
      <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {app.deployments.map((d) => (
          <li key={d.id} className="px-4 py-3 text-sm">
            <span className="font-medium">{d.status}</span> ·{" "}
            <time dateTime={d.createdAt.toISOString()}>{formatDateTime(d.createdAt)}</time>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default DeploymentHistory;
