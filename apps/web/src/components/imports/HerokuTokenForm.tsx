import { type FormEvent, useState } from "react";
import type { HerokuAppSummary } from "../../hooks/useImports.ts";
import { useHerokuApps } from "../../hooks/useImports.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Field } from "../ui/Field.tsx";

const TOKEN_HINT = (
  <>
    Run <code className="rounded bg-slate-100 px-1">heroku auth:token</code> (or make a long-lived one with{" "}
    <code className="rounded bg-slate-100 px-1">heroku authorizations:create</code>) and paste it here. It is used for this import only and
    never stored in plain text: SkyPanel keeps it sealed while the import runs and forgets it when the import ends.
  </>
);

/** Step 1: the user's Heroku API token, checked by listing the apps it sees. */
export function HerokuTokenForm({ onAccepted }: { onAccepted: (token: string, apps: HerokuAppSummary[]) => void }) {
  const [token, setToken] = useState("");
  const listApps = useHerokuApps();

  function submit(event: FormEvent) {
    event.preventDefault();
    const herokuToken = token.trim();
    if (herokuToken) listApps.mutate({ herokuToken }, { onSuccess: ({ apps }) => onAccepted(herokuToken, apps) });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="heroku-token-form">
      <Field
        label="Heroku API token"
        name="heroku-token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        hint={TOKEN_HINT}
        value={token}
        onChange={(e) => {
          setToken(e.target.value);
          listApps.reset();
        }}
        error={listApps.isError ? errorMessage(listApps.error) : undefined}
      />
      <Button type="submit" variant="primary" disabled={listApps.isPending || !token.trim()}>
        {listApps.isPending ? "Asking Heroku…" : "List my Heroku apps"}
      </Button>
    </form>
  );
}
