import { MfaSection } from "./MfaSection.tsx";
import { TeamMfaSettings } from "./TeamMfaSettings.tsx";

/** The Account page's multi-factor section: your own authenticator, and the teams you manage. */
export function AccountMfa() {
  return (
    <section aria-labelledby="mfa-heading">
      <h2 id="mfa-heading" className="text-lg font-semibold">
        Multi-factor sign-in
      </h2>
      <p className="mb-3 mt-1 text-sm text-slate-600">A code from an authenticator app, asked for after your password.</p>
      <div className="space-y-4">
        <MfaSection />
        <TeamMfaSettings />
      </div>
    </section>
  );
}
