import { Suspense, useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { ShortcutHelp } from "../components/shortcuts/ShortcutHelp.tsx";
import { Button } from "../components/ui/Button.tsx";
import { LoadingBlock } from "../components/ui/Skeleton.tsx";
import { useLogout, useSession } from "../hooks/useSession.ts";
import { useShortcuts } from "../hooks/useShortcuts.ts";
import { cx } from "../lib/cx.ts";

const navClass = ({ isActive }: { isActive: boolean }) =>
  cx("rounded-md px-3 py-2 text-sm font-medium", isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100");

export function PaasLayout() {
  const { data: session } = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const user = session?.user;
  const [help, setHelp] = useState(false);
  useShortcuts(() => setHelp((open) => !open));

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <Link to="/paas/apps" className="text-lg font-bold tracking-tight text-indigo-800">
            SkyPanel
          </Link>
          <nav aria-label="Main" className="flex gap-1">
            <NavLink to="/paas/apps" className={navClass}>
              Apps
            </NavLink>
            <NavLink to="/paas/pipelines" className={navClass}>
              Pipelines
            </NavLink>
            <NavLink to="/paas/import" className={navClass}>
              Import from Heroku
            </NavLink>
            <NavLink to="/paas/account" className={navClass}>
              Account
            </NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            {user && (
              <span className="hidden text-sm text-slate-700 sm:inline" data-testid="current-user">
                {user.name || user.email}
              </span>
            )}
            <Button variant="ghost" aria-keyshortcuts="?" title="Keyboard shortcuts (?)" onClick={() => setHelp(true)}>
              <span aria-hidden="true" className="font-mono">
                ?
              </span>
              <span className="sr-only">Keyboard shortcuts</span>
            </Button>
            <Button
              variant="ghost"
              disabled={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) })}
            >
              Log out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Suspense fallback={<LoadingBlock label="Loading the page…" />}>
          <Outlet />
        </Suspense>
      </main>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
