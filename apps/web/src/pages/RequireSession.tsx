import { Navigate, Outlet, useLocation } from "react-router";
import { MfaEnrolmentGate } from "../components/account/MfaEnrolmentGate.tsx";
import { ErrorNotice } from "../components/ui/ErrorNotice.tsx";
import { LoadingBlock } from "../components/ui/Skeleton.tsx";
import { useSession } from "../hooks/useSession.ts";

/** Pages below need a user: a fresh platform goes to /setup, anyone else not logged in to /login. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <div className="mx-auto max-w-6xl p-4">
        <LoadingBlock label="Checking your session…" />
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="mx-auto max-w-xl p-4">
        <ErrorNotice title="The platform did not answer." error={session.error} onRetry={() => session.refetch()} />
      </div>
    );
  }
  if (session.data.needsSetup) return <Navigate to="/setup" replace />;
  if (!session.data.user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (session.data.mfaEnrolmentRequiredBy) return <MfaEnrolmentGate team={session.data.mfaEnrolmentRequiredBy} />;
  return <Outlet />;
}
