import { type FormEvent, useRef, useState } from "react";
import { type ConfigVar, useConfig, useSetConfigVars, useUnsetConfigVars } from "../../hooks/useConfig.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { inputClass } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { EnvVarRow } from "./EnvVarRow.tsx";

/**
 * An app's config vars. Values stay masked until "Reveal" is pressed for that one value; a secret's
 * value is not even fetched until then.
 * Whoever may not change config (viewers) gets no values from the server and no edit controls here.
 */
export function EnvVarEditor({ app }: { app: string }) {
  const config = useConfig(app);
  const [removing, setRemoving] = useState<string | null>(null);
  const unset = useUnsetConfigVars(app);

  if (config.isPending) return <LoadingBlock label="Loading config vars…" rows={2} />;
  if (config.isError) return <ErrorNotice title="Config vars could not be loaded." error={config.error} onRetry={() => config.refetch()} />;

  const { vars, canReveal: canEdit } = config.data;
  return (
    <div data-testid="env-var-editor">
      {!canEdit && (
        <p className="mb-3 rounded-md bg-slate-100 p-3 text-sm text-slate-700">
          Your role lets you see which config vars exist, not their values. Ask a team member to change them.
        </p>
      )}
      {vars.length === 0 ? (
        <EmptyState title="No config vars yet." testId="env-vars-empty">
          {canEdit && "Add one below; the app sees each as an environment variable."}
        </EmptyState>
      ) : (
        <ul aria-label="Config vars" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {vars.map((v) => (
            <EnvVarRow key={v.key} app={app} item={v} canEdit={canEdit} onRemove={() => setRemoving(v.key)} />
          ))}
        </ul>
      )}
      {canEdit && <AddEnvVarForm app={app} existing={vars} />}
      {removing && (
        <Dialog title={`Remove ${removing}?`} onClose={() => setRemoving(null)} testId="confirm-remove-var">
          <p className="text-sm text-slate-700">
            The app stops seeing <span className="font-mono">{removing}</span> at its next release. This cannot be undone.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setRemoving(null)}>Cancel</Button>
            <Button
              variant="danger"
              disabled={unset.isPending}
              onClick={() => {
                // The row goes at once; it comes back, with the reason, if the server refuses.
                unset.mutate({ app, keys: [removing] });
                setRemoving(null);
              }}
            >
              {unset.isPending ? "Removing…" : "Remove"}
            </Button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function AddEnvVarForm({ app, existing }: { app: string; existing: ConfigVar[] }) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  // Untouched, the box follows the var being replaced, so replacing a secret keeps it secret.
  const [secretChoice, setSecretChoice] = useState<boolean | null>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  const set = useSetConfigVars(app);
  const replaces = existing.find((v) => v.key === key.trim());
  const secret = secretChoice ?? replaces?.isSecret ?? false;

  function submit(event: FormEvent) {
    event.preventDefault();
    set.mutate(
      { app, vars: { [key.trim()]: value }, ...(secret ? { secret: true } : {}) },
      {
        onSuccess: () => {
          setKey("");
          setValue("");
          setSecretChoice(null);
          keyInput.current?.focus();
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="mt-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Add a config var">
      <div className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-end">
        <div>
          <label htmlFor="new-var-key" className="mb-1 block text-sm font-medium text-slate-800">
            Name
          </label>
          <input
            id="new-var-key"
            ref={keyInput}
            className={`${inputClass} font-mono`}
            placeholder="DATABASE_URL"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="new-var-value" className="mb-1 block text-sm font-medium text-slate-800">
            Value
          </label>
          <input
            id="new-var-value"
            className={`${inputClass} font-mono`}
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        <Button type="submit" variant="primary" disabled={set.isPending || !key.trim()}>
          {replaces ? "Replace" : "Add"}
        </Button>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-x-2 text-sm">
        <label className="flex items-center gap-2 text-slate-800">
          <input
            type="checkbox"
            aria-describedby="new-var-secret-hint"
            checked={secret}
            onChange={(e) => setSecretChoice(e.target.checked)}
          />
          Secret
        </label>
        <span id="new-var-secret-hint" className="text-slate-600">
          Its value reaches the browser only when someone presses Reveal.
        </span>
      </div>
      {replaces && <p className="mt-2 text-xs text-slate-600">{key.trim()} exists; saving replaces its value.</p>}
      {set.isError && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorMessage(set.error)}
        </p>
      )}
    </form>
  );
}
