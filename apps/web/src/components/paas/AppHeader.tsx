import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { StatusBadge } from "../ui/StatusBadge.tsx";
import { AppActions } from "./AppActions.tsx";
import { ConfirmDeleteApp } from "./ConfirmDeleteApp.tsx";
import { LiveIndicator } from "./LiveIndicator.tsx";
import { MaintenanceBadge } from "./MaintenanceBadge.tsx";
import { type AppDetail, can } from "./types.ts";

export function AppHeader({ app }: { app: AppDetail }) {
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  return (
    <header>
      <p className="text-sm">
        <Link to="/paas/apps" className="text-indigo-800 hover:underline">
          Apps
        </Link>
        <span aria-hidden="true" className="text-slate-500">
          {" / "}
        </span>
      </p>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 className="min-w-0 break-words text-2xl font-semibold" data-testid="app-name">
          {app.name}
        </h1>
        <StatusBadge status={app.status} />
        <MaintenanceBadge appId={app.id} />
        <LiveIndicator appId={app.id} />
        <div className="ml-auto flex flex-wrap gap-2">
          <AppActions app={app} />
          {can.delete(app.role) && (
            <Button variant="dangerGhost" onClick={() => setDeleting(true)}>
              Delete app
            </Button>
          )}
        </div>
      </div>
      <p className="mt-1 text-sm text-slate-600">
        Team <span className="font-medium text-slate-800">{app.teamName}</span> · your role {app.role}
        {app.description && <> · {app.description}</>}
      </p>
      {deleting && (
        <Dialog title={`Delete ${app.name}?`} onClose={() => setDeleting(false)} testId="delete-app-dialog">
          <ConfirmDeleteApp app={app} onCancel={() => setDeleting(false)} onDeleted={() => navigate("/paas/apps", { replace: true })} />
        </Dialog>
      )}
    </header>
  );
}
