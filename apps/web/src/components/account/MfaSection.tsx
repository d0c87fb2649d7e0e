import { type FormEvent, useState } from "react";
import {
  useConfirmMfa,
  useDisableMfa,
  useEnrolMfa,
  useMfaStatus,
  useRefreshSession,
  useRegenerateRecoveryCodes,
} from "../../hooks/useMfa.ts";
import { formatDateTime } from "../../lib/format.ts";
import { errorMessage, type RouterOutputs } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { Field } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { CodeField } from "./CodeField.tsx";
import { RecoveryCodes } from "./RecoveryCodes.tsx";

type Enrolment = RouterOutputs["mfa"]["enrol"];

/** Multi-factor sign-in with an authenticator app (TOTP): enrol, confirm, recovery codes, turn off. */
export function MfaSection() {
  const status = useMfaStatus();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const refreshSession = useRefreshSession();

  if (status.isPending) return <LoadingBlock label="Loading multi-factor sign-in…" rows={2} />;
  if (status.isError) return <ErrorNotice error={status.error} onRetry={() => status.refetch()} />;
  return (
    <div className="space-y-4" data-testid="mfa">
      {recoveryCodes && (
        <RecoveryCodes
          codes={recoveryCodes}
          onDone={() => {
            setRecoveryCodes(null);
            refreshSession();
          }}
        />
      )}
      {status.data.enabled ? (
        <>
          <p className="text-sm text-slate-700" data-testid="mfa-on">
            On since {status.data.enabledAt ? formatDateTime(status.data.enabledAt) : "—"}. {status.data.recoveryCodesLeft} recovery codes
            left.
          </p>
          <RegenerateForm onCodes={setRecoveryCodes} />
          <DisableForm />
        </>
      ) : (
        !recoveryCodes && <EnrolSteps onEnabled={setRecoveryCodes} />
      )}
    </div>
  );
}

function EnrolSteps({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const enrol = useEnrolMfa();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);

  if (!enrolment) {
    return (
      <div className="space-y-2">
        <p className="text-sm text-slate-700">Off. Sign in with your password and a code from an authenticator app on your phone.</p>
        <Button variant="primary" disabled={enrol.isPending} onClick={() => enrol.mutate(undefined, { onSuccess: setEnrolment })}>
          Set up an authenticator app
        </Button>
        {enrol.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(enrol.error)}
          </p>
        )}
      </div>
    );
  }
  return <ConfirmForm enrolment={enrolment} onEnabled={onEnabled} />;
}

function ConfirmForm({ enrolment, onEnabled }: { enrolment: Enrolment; onEnabled: (codes: string[]) => void }) {
  const confirm = useConfirmMfa();
  const [code, setCode] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ code: code.trim() }, { onSuccess: (r) => onEnabled(r.recoveryCodes) });
  }

  return (
    <form
      onSubmit={submit}
      aria-label="Confirm the authenticator app"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
    >
      <ol className="list-decimal space-y-2 pl-5 text-slate-700">
        <li>
          In your authenticator app, add an account with this key (or open the link on the phone):
          <p className="mt-1 break-all rounded bg-slate-50 p-2 font-mono text-slate-900" data-testid="mfa-secret">
            {enrolment.secret}
          </p>
          <a className="break-all text-indigo-700 underline" href={enrolment.uri} data-testid="mfa-uri">
            {enrolment.uri}
          </a>
        </li>
        <li>Enter the 6-digit code it shows, to check it works.</li>
      </ol>
      <CodeField value={code} onChange={(e) => setCode(e.target.value)} required />
      {confirm.isError && (
        <p role="alert" className="text-red-700">
          {errorMessage(confirm.error)}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={confirm.isPending || code.trim().length !== 6}>
        Turn on
      </Button>
    </form>
  );
}

function RegenerateForm({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const regenerate = useRegenerateRecoveryCodes();
  const [code, setCode] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    regenerate.mutate(
      { code: code.trim() },
      {
        onSuccess: (r) => {
          setCode("");
          onCodes(r.recoveryCodes);
        },
      },
    );
  }
  return (
    <form
      onSubmit={submit}
      aria-label="New recovery codes"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_auto] sm:items-end"
    >
      <CodeField label="Code, for new recovery codes" value={code} onChange={(e) => setCode(e.target.value)} />
      <Button type="submit" disabled={regenerate.isPending || !code.trim()}>
        New recovery codes
      </Button>
      {regenerate.isError && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2">
          {errorMessage(regenerate.error)}
        </p>
      )}
    </form>
  );
}

function DisableForm() {
  const disable = useDisableMfa();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    disable.mutate({ password, code: code.trim() });
  }
  return (
    <form
      onSubmit={submit}
      aria-label="Turn off multi-factor sign-in"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
    >
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <CodeField label="Code or recovery code" recovery value={code} onChange={(e) => setCode(e.target.value)} />
      <Button type="submit" variant="danger" disabled={disable.isPending || !password || !code.trim()}>
        Turn off
      </Button>
      {disable.isError && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-3">
          {errorMessage(disable.error)}
        </p>
      )}
    </form>
  );
}
