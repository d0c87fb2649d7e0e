import { AccountMfa } from "../components/account/AccountMfa.tsx";
import { AccountSessions } from "../components/account/AccountSessions.tsx";
import { ApiTokens } from "../components/account/ApiTokens.tsx";
import { AuditLogTools } from "../components/account/AuditLogTools.tsx";
import { PlatformBackups } from "../components/account/PlatformBackups.tsx";
import { TeamDeployPolicy } from "../components/account/TeamDeployPolicy.tsx";
import { useSession } from "../hooks/useSession.ts";

export default function AccountPage() {
  const { data: session } = useSession();
  const user = session?.user;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Account</h1>
      {user && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
          <dt className="text-slate-600">Name</dt>
          <dd>{user.name || "—"}</dd>
          <dt className="text-slate-600">Email</dt>
          <dd className="break-all">{user.email}</dd>
          <dt className="text-slate-600">Administrator</dt>
          <dd>{user.isAdmin ? "yes" : "no"}</dd>
        </dl>
      )}
      <AccountMfa />
      <section>
        <h2 className="text-lg font-semibold">API tokens</h2>
        <p className="mb-3 mt-1 text-sm text-slate-600">
          For the CLI and CI: send one as <span className="font-mono">Authorization: Bearer …</span>. A token acts as you.
        </p>
        <ApiTokens />
      </section>
      <AccountSessions />
      <TeamDeployPolicy />
      {user?.isAdmin && (
        <section>
          <h2 className="text-lg font-semibold">Audit log</h2>
          <p className="mb-3 mt-1 text-sm text-slate-600">
            Every row is chained to the one before it by hash: verifying finds a row changed or deleted in the database.
          </p>
          <AuditLogTools />
        </section>
      )}
      {user?.isAdmin && (
        <section>
          <h2 className="text-lg font-semibold">Platform backups</h2>
          <p className="mb-3 mt-1 text-sm text-slate-600">
            The control database, the encryption keys (under the backup passphrase), every app&apos;s current build and the PostgreSQL
            add-ons&apos; data, in one archive. Restore on a new machine with <span className="font-mono">npm run restore</span>.
          </p>
          <PlatformBackups />
        </section>
      )}
    </div>
  );
}
