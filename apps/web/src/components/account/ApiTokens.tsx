import { type FormEvent, useState } from "react";
import { useCreateToken, useRevokeToken, useTokens } from "../../hooks/useTokens.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { errorMessage, type RouterOutputs } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";

type ApiToken = RouterOutputs["tokens"]["list"][number];
type Scope = ApiToken["scope"];

/** What each scope allows, in a few words (apps/bff/src/scopes.ts has the exact list). */
const SCOPE_HINTS: Record<Scope, string> = {
  read: "reads only",
  deploy: "reads, builds, deploys, rollbacks, scaling, config",
  admin: "everything you can do",
};
type CreatedToken = RouterOutputs["tokens"]["create"];

/** Tokens for the CLI and CI. The secret is shown once, right after creation; the server keeps only its hash. */
export function ApiTokens() {
  const tokens = useTokens();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useRevokeToken();

  return (
    <div className="space-y-4" data-testid="api-tokens">
      {created ? <NewToken token={created} onDone={() => setCreated(null)} /> : <CreateTokenForm onCreated={setCreated} />}
      {tokens.isPending ? (
        <LoadingBlock label="Loading API tokens…" rows={2} />
      ) : tokens.isError ? (
        <ErrorNotice error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No API tokens." />
      ) : (
        <ul aria-label="API tokens" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {tokens.data.map((t) => (
            <li key={t.id} data-testid="api-token" className="flex flex-col gap-2 px-4 py-3 text-sm sm:flex-row sm:items-center">
              <div className="min-w-0 flex-1">
                <p className="font-medium">{t.name}</p>
                <p className="font-mono text-xs text-slate-600">{t.prefix}…</p>
              </div>
              <p className="text-xs sm:w-40">
                <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-800" data-testid="api-token-scope">
                  {t.scope}
                </span>{" "}
                <span className="text-slate-600">{SCOPE_HINTS[t.scope]}</span>
              </p>
              <div className="text-xs text-slate-600 sm:w-64">
                <p>Created {formatDateTime(t.createdAt)}</p>
                <p>{t.lastUsedAt ? `Last used ${formatRelative(t.lastUsedAt)}` : "Never used"}</p>
                <p>{t.expiresAt ? `Expires ${formatDateTime(t.expiresAt)}` : "Does not expire"}</p>
              </div>
              <Button variant="dangerGhost" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <Dialog title={`Revoke ${revoking.name}?`} onClose={() => setRevoking(null)}>
          <p className="text-sm text-slate-700">Anything using this token (a CLI login, a CI job) stops working at once.</p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setRevoking(null)}>Cancel</Button>
            <Button
              variant="danger"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate({ id: revoking.id }, { onSuccess: () => setRevoking(null) })}
            >
              Revoke
            </Button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [scope, setScope] = useState<Scope>("read");
  const create = useCreateToken();

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), expiresInDays: days ? Number(days) : null, scope }, { onSuccess: onCreated });
  }

  return (
    <form
      onSubmit={submit}
      aria-label="Create an API token"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end"
    >
      <Field label="Token name" placeholder="laptop CLI" value={name} onChange={(e) => setName(e.target.value)} />
      <SelectField label="Expires" value={days} onChange={(e) => setDays(e.target.value)}>
        <option value="30">in 30 days</option>
        <option value="90">in 90 days</option>
        <option value="365">in a year</option>
        <option value="">never</option>
      </SelectField>
      <SelectField label="May" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
        {(Object.keys(SCOPE_HINTS) as Scope[]).map((s) => (
          <option key={s} value={s}>
            {s}: {SCOPE_HINTS[s]}
          </option>
        ))}
      </SelectField>
      <Button type="submit" variant="primary" disabled={!name.trim() || create.isPending}>
        Create token
      </Button>
      {create.isError && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-4">
          {errorMessage(create.error)}
        </p>
      )}
    </form>
  );
}

function NewToken({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-lg border border-green-300 bg-green-50 p-4 text-sm" data-testid="new-token">
      <p className="font-medium text-green-900">
        Token "{token.name}" ({token.scope}) created. Copy it now: it will not be shown again.
      </p>
      <p className="mt-2 break-all rounded bg-white p-2 font-mono text-slate-900" data-testid="new-token-value">
        {token.token}
      </p>
      <div className="mt-3 flex gap-2">
        <Button
          onClick={() =>
            navigator.clipboard?.writeText(token.token).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
