import { AppDashboard } from "../components/paas/AppDashboard.tsx";
import { renderWithBackend } from "./render.tsx";
import { createStubBackend, stubApp, stubFormation } from "./stubBackend.ts";

/** The Settings tab of an app with a web (2) and a worker (1) process type, as `role` sees it. */
export function openSettings(role: "owner" | "viewer" = "owner") {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop")],
    runtime: { formation: [stubFormation("web-shop", "web", 2), stubFormation("web-shop", "worker", 1)] },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/settings" });
  return backend;
}
