import { type FormEvent, useState } from "react";
import { type ConfigVar, useRevealedVar, useSetConfigVars } from "../../hooks/useConfig.ts";
import { formatDateTime } from "../../lib/format.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { inputClass } from "../ui/Field.tsx";

const MASK = "••••••••";
const quiet = "font-sans text-slate-600";

/**
 * One config var. A plain value comes with the list and stays masked until Reveal; a secret's value
 * is asked of the server only when Reveal is pressed. Editing keeps a secret secret unless unticked.
 */
export function EnvVarRow({ app, item, canEdit, onRemove }: { app: string; item: ConfigVar; canEdit: boolean; onRemove: () => void }) {
  const [revealed, setRevealed] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  const [secret, setSecret] = useState(item.isSecret);
  const set = useSetConfigVars(app);
  const secretValue = useRevealedVar(app, item.key, revealed && item.isSecret);
  const canReveal = item.value !== null || (item.isSecret && canEdit);
  const known = item.isSecret ? (revealed ? secretValue.data?.value : undefined) : item.value;
  // Without the current value in the field, saving an empty one would wipe it by accident.
  const needsValue = known == null && !draft;

  function edit() {
    setSecret(item.isSecret);
    setDraft(known ?? "");
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (draft === null) return;
    set.mutate({ app, vars: { [item.key]: draft }, ...(secret ? { secret: true } : {}) }, { onSuccess: () => setDraft(null) });
  }

  return (
    <li data-testid={`env-var-${item.key}`} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center">
      <div className="min-w-0 sm:w-1/3">
        <p className="break-all font-mono text-sm font-medium">
          {item.key}
          {item.isSecret && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 font-sans text-xs text-slate-700">secret</span>}
        </p>
        <p className="text-xs text-slate-600">Updated {formatDateTime(item.updatedAt)}</p>
      </div>
      {draft !== null ? (
        <form onSubmit={save} aria-label={`Edit ${item.key}`} className="flex flex-1 flex-col gap-2 sm:flex-row sm:items-center">
          <label htmlFor={`edit-${item.key}`} className="sr-only">
            New value of {item.key}
          </label>
          <input
            id={`edit-${item.key}`}
            className={`${inputClass} font-mono`}
            placeholder={known == null ? "The new value (the current one stays hidden)" : undefined}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <label className="flex items-center gap-1 text-sm text-slate-800">
            <input type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} />
            Secret
          </label>
          <div className="flex gap-2">
            <Button type="submit" variant="primary" disabled={set.isPending || needsValue}>
              Save
            </Button>
            <Button onClick={() => setDraft(null)}>Cancel</Button>
          </div>
        </form>
      ) : (
        <>
          <p className="min-w-0 flex-1 break-all font-mono text-sm" data-testid="env-var-value" aria-live="polite">
            {!revealed ? (
              item.value === null ? (
                <span className={quiet}>hidden</span>
              ) : (
                <>
                  <span aria-hidden="true">{MASK}</span>
                  <span className="sr-only">Value hidden; press Reveal to see it.</span>
                </>
              )
            ) : !item.isSecret ? (
              item.value || <span className={quiet}>(empty)</span>
            ) : secretValue.isPending ? (
              <span className={quiet}>Revealing…</span>
            ) : secretValue.isError ? (
              <span className="font-sans text-red-700">{errorMessage(secretValue.error)}</span>
            ) : !secretValue.data.canReveal ? (
              <span className={quiet}>Only members who can write see secret values.</span>
            ) : (
              secretValue.data.value || <span className={quiet}>(empty)</span>
            )}
          </p>
          <div className="flex flex-wrap gap-1">
            {canReveal && (
              <Button variant="ghost" aria-label={`${revealed ? "Hide" : "Reveal"} ${item.key}`} onClick={() => setRevealed(!revealed)}>
                {revealed ? "Hide" : "Reveal"}
              </Button>
            )}
            {canEdit && (
              <>
                <Button variant="ghost" aria-label={`Edit ${item.key}`} onClick={edit}>
                  Edit
                </Button>
                <Button variant="dangerGhost" aria-label={`Remove ${item.key}`} onClick={onRemove}>
                  Remove
                </Button>
              </>
            )}
          </div>
        </>
      )}
    </li>
  );
}
