import { useState } from "react";
import { useRevealedVar } from "../../../hooks/useConfig.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";

/**
 * The add-on's URL, which holds its password: a secret config var, fetched only when the user
 * presses Reveal and forgotten when they hide it again.
 */
export function AddonCredentials({ app, varName }: { app: string; varName: string }) {
  const [shown, setShown] = useState(false);
  const revealed = useRevealedVar(app, varName, shown);

  return (
    <div className="rounded-md bg-slate-50 p-3 text-sm" data-testid="addon-credentials">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-slate-700">
          Credentials: the URL in <code className="font-mono text-slate-900">{varName}</code>, with the password.
        </p>
        <Button variant="ghost" aria-label={`${shown ? "Hide" : "Reveal"} the credentials in ${varName}`} onClick={() => setShown(!shown)}>
          {shown ? "Hide" : "Reveal"}
        </Button>
      </div>
      {shown && (
        <div className="mt-2" aria-live="polite">
          {revealed.isPending ? (
            <p className="text-slate-700">Loading the credentials…</p>
          ) : revealed.isError ? (
            <p role="alert" className="text-red-700">
              {errorMessage(revealed.error)}
            </p>
          ) : !revealed.data.canReveal ? (
            <p className="text-slate-700">Only members who can write see credentials.</p>
          ) : revealed.data.value === null ? (
            <p className="text-slate-700">{varName} is no longer set on this app.</p>
          ) : (
            <code data-testid="addon-url" className="block break-all font-mono text-slate-900">
              {revealed.data.value}
            </code>
          )}
        </div>
      )}
    </div>
  );
}
