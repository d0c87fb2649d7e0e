import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { ErrorBoundary } from "./components/ui/ErrorBoundary.tsx";
import { LoadingBlock } from "./components/ui/Skeleton.tsx";
import { Toaster } from "./components/ui/Toaster.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { PaasLayout } from "./pages/PaasLayout.tsx";
import { RequireSession } from "./pages/RequireSession.tsx";

// Each page is its own chunk, so opening the app list does not download the settings editor.
const LoginPage = lazy(() => import("./pages/LoginPage.tsx"));
const SetupPage = lazy(() => import("./pages/SetupPage.tsx"));
const AppList = lazy(() => import("./components/paas/AppList.tsx"));
const AppDashboard = lazy(() => import("./components/paas/AppDashboard.tsx"));
const AccountPage = lazy(() => import("./pages/AccountPage.tsx"));
const ImportPage = lazy(() => import("./pages/ImportPage.tsx"));
const PipelineList = lazy(() => import("./components/paas/pipelines/PipelineList.tsx"));
const PipelinePage = lazy(() => import("./components/paas/pipelines/PipelinePage.tsx"));

export function App() {
  const location = useLocation();
  return (
    <>
      <ErrorBoundary resetKey={location.pathname}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route path="/setup" element={<SetupPage />} />
            <Route path="/login" element={<LoginPage />} />
            <Route element={<RequireSession />}>
              <Route index element={<Navigate to="/paas/apps" replace />} />
              <Route path="/paas" element={<PaasLayout />}>
                <Route index element={<Navigate to="/paas/apps" replace />} />
                <Route path="apps" element={<AppList />} />
                <Route path="apps/:id/*" element={<AppDashboard />} />
                <Route path="pipelines" element={<PipelineList />} />
                <Route path="pipelines/:pipeline" element={<PipelinePage />} />
                <Route path="import/*" element={<ImportPage />} />
                <Route path="account" element={<AccountPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </Suspense>
      </ErrorBoundary>
      <Toaster />
    </>
  );
}

function PageLoading() {
  return (
    <div className="mx-auto max-w-6xl p-4">
      <LoadingBlock label="Loading the page…" />
    </div>
  );
}
