import { lazy, Suspense, useEffect } from "react";
import { Link, NavLink, Route, Routes, useLocation, useParams } from "react-router";
import { useApp } from "../../hooks/useApp.ts";
import { useAppEvents } from "../../hooks/useAppEvents.ts";
import { cx } from "../../lib/cx.ts";
import { errorCode } from "../../lib/trpc.ts";
import { buttonClass } from "../ui/Button.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock, Skeleton } from "../ui/Skeleton.tsx";
import { AppHeader } from "./AppHeader.tsx";

const AddonsTab = lazy(() => import("./addons/AddonsTab.tsx"));
const AlertsTab = lazy(() => import("./alerts/AlertsTab.tsx"));
const AppOverview = lazy(() => import("./AppOverview.tsx"));
const AppSettings = lazy(() => import("./AppSettings.tsx"));
const BuildPage = lazy(() => import("./BuildPage.tsx"));
const DeploymentHistory = lazy(() => import("./DeploymentHistory.tsx"));
const LogViewer = lazy(() => import("./LogViewer.tsx"));
const MetricsDashboard = lazy(() => import("./MetricsDashboard.tsx"));
const SchedulerTab = lazy(() => import("./schedules/SchedulerTab.tsx"));

// `also`: addresses under another path that belong to the tab (a build opens from Deployments).
const TABS: { to: string; label: string; also?: string }[] = [
  { to: "", label: "Overview" },
  { to: "deployments", label: "Deployments", also: "builds" },
  { to: "logs", label: "Logs" },
  { to: "metrics", label: "Metrics" },
  { to: "addons", label: "Add-ons" },
  { to: "scheduler", label: "Scheduler" },
  { to: "alerts", label: "Alerts" },
  { to: "settings", label: "Settings" },
];

const tabClass = ({ isActive }: { isActive: boolean }) =>
  cx(
    "block whitespace-nowrap border-b-2 px-2 py-2 text-sm font-medium sm:px-3",
    isActive ? "border-indigo-700 text-indigo-800" : "border-transparent text-slate-700 hover:border-slate-300 hover:text-slate-900",
  );

/** One app: the header, a tab per area (each a link, so every tab has its own address), and the tab itself. */
export function AppDashboard() {
  const { id = "" } = useParams();
  const app = useApp(id);
  // One event stream for every tab: each change refreshes just the queries it touches.
  useAppEvents(app.data);
  const base = `/paas/apps/${encodeURIComponent(id)}`;
  const { pathname } = useLocation();

  useEffect(() => {
    if (app.data) document.title = `${app.data.name} · SkyPanel`;
    return () => {
      document.title = "SkyPanel";
    };
  }, [app.data]);

  if (app.isPending) {
    return (
      <div className="space-y-4">
        <span className="sr-only" role="status">
          Loading the app…
        </span>
        <Skeleton className="h-10 w-64" />
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (app.isError) {
    if (errorCode(app.error) === "NOT_FOUND") {
      return (
        <EmptyState title={`No app named "${id}" is visible to you.`} testId="app-not-found">
          <Link to="/paas/apps" className={buttonClass("secondary", "mt-3")}>
            Back to your apps
          </Link>
        </EmptyState>
      );
    }
    return <ErrorNotice title="The app could not be loaded." error={app.error} onRetry={() => app.refetch()} />;
  }

  return (
    <div>
      <AppHeader app={app.data} />
      <nav aria-label="App sections" className="mt-4 overflow-x-auto border-b border-slate-200">
        <ul className="flex gap-1">
          {TABS.map((tab) => (
            <li key={tab.label}>
              <NavLink
                to={tab.to ? `${base}/${tab.to}` : base}
                end
                className={({ isActive }) =>
                  tabClass({ isActive: isActive || (!!tab.also && pathname.startsWith(`${base}/${tab.also}/`)) })
                }
              >
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <section className="mt-6">
        <Suspense fallback={<LoadingBlock label="Loading the tab…" />}>
          <Routes>
            <Route index element={<AppOverview app={app.data} />} />
            <Route path="deployments" element={<DeploymentHistory app={app.data} />} />
            <Route path="builds/:buildId" element={<BuildPage app={app.data} />} />
            <Route path="logs" element={<LogViewer app={app.data} />} />
            <Route path="metrics" element={<MetricsDashboard app={app.data} />} />
            <Route path="addons" element={<AddonsTab app={app.data} />} />
            <Route path="scheduler" element={<SchedulerTab app={app.data} />} />
            <Route path="alerts" element={<AlertsTab app={app.data} />} />
            <Route path="settings" element={<AppSettings app={app.data} />} />
            <Route path="*" element={<EmptyState title="This app has no such tab." />} />
          </Routes>
        </Suspense>
      </section>
    </div>
  );
}

export default AppDashboard;
