import { useEffect, useRef } from "react";
import { useLocation, useNavigate } from "react-router";

/** Every shortcut the dashboard answers to, as the help overlay lists them. */
export const SHORTCUTS: { keys: string[]; does: string; where?: string }[] = [
  { keys: ["?"], does: "Show or hide this list" },
  { keys: ["/"], does: "Jump to the search box (apps, logs)" },
  { keys: ["g", "a"], does: "Go to the app list" },
  { keys: ["g", "o"], does: "Go to the app's overview", where: "on an app" },
  { keys: ["g", "d"], does: "Go to the app's deployments", where: "on an app" },
  { keys: ["g", "l"], does: "Go to the app's logs", where: "on an app" },
  { keys: ["g", "m"], does: "Go to the app's metrics", where: "on an app" },
  { keys: ["g", "n"], does: "Go to the app's add-ons", where: "on an app" },
  { keys: ["g", "s"], does: "Go to the app's settings", where: "on an app" },
  { keys: ["Esc"], does: "Close a dialog or this list" },
];

const APP_TABS: Record<string, string> = { o: "", d: "deployments", l: "logs", m: "metrics", n: "addons", s: "settings" };
// After "g", the second key must follow within this time, as in GitHub's and Gmail's shortcuts.
const SEQUENCE_MS = 1200;

/** Keys typed into a field are the user's text, never a shortcut. */
function typing(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The app an address is about: /paas/apps/<id>/… (not the list itself). */
export function appBase(pathname: string): string | null {
  const m = /^\/paas\/apps\/([^/]+)/.exec(pathname);
  return m ? `/paas/apps/${m[1]}` : null;
}

/**
 * The dashboard's keyboard shortcuts, listened for on the whole page. `toggleHelp` opens and
 * closes the overlay; while a dialog is open (aria-modal), only "?" is left alone.
 */
export function useShortcuts(toggleHelp: () => void) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const state = useRef({ pathname, toggleHelp, pendingG: 0 });
  state.current.pathname = pathname;
  state.current.toggleHelp = toggleHelp;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const s = state.current;
      if (event.key === "?") {
        event.preventDefault();
        s.toggleHelp();
        return;
      }
      if (document.querySelector("[aria-modal='true']")) return;
      if (event.key === "/") {
        const search = document.querySelector<HTMLInputElement>("input[type='search']");
        if (search) {
          event.preventDefault();
          search.focus();
        }
        return;
      }
      const afterG = Date.now() - s.pendingG < SEQUENCE_MS;
      s.pendingG = 0;
      if (!afterG) {
        if (event.key === "g") s.pendingG = Date.now();
        return;
      }
      if (event.key === "a") navigate("/paas/apps");
      const base = appBase(s.pathname);
      const tab = APP_TABS[event.key];
      if (base && tab !== undefined) navigate(tab ? `${base}/${tab}` : base);
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [navigate]);
}
