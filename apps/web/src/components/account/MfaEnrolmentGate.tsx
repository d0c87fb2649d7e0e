import { useLogout } from "../../hooks/useSession.ts";
import { AuthCard } from "../../pages/AuthCard.tsx";
import { Button } from "../ui/Button.tsx";
import { MfaSection } from "./MfaSection.tsx";

/** Shown instead of the dashboard while a team requires MFA of a user who has not enrolled (the API refuses the rest). */
export function MfaEnrolmentGate({ team }: { team: string }) {
  const logout = useLogout();
  return (
    <AuthCard
      title="Set up multi-factor sign-in"
      intro={`The team "${team}" requires a second factor: set up an authenticator app to continue.`}
    >
      <div className="space-y-4">
        <MfaSection />
        <Button className="w-full" disabled={logout.isPending} onClick={() => logout.mutate()}>
          Log out
        </Button>
      </div>
    </AuthCard>
  );
}
