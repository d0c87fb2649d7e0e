import type { FormEvent } from "react";
import type { ImportPlan } from "../../hooks/useImports.ts";
import { Button } from "../ui/Button.tsx";
import { Field } from "../ui/Field.tsx";
import { bringsData, dataAddons, type PlanChoices, toggleData } from "./planChoices.ts";

const NAME_HINT = "3 to 30 characters: lowercase letters, digits and dashes. Empty: the Heroku app's name.";

/**
 * The choices that shape the plan: the app's name, where the code comes from, and which
 * databases bring their data. A plan the server refused says why right here.
 */
export function PlanChoicesForm({
  choices,
  onChange,
  onSubmit,
  plan,
  refused,
}: {
  choices: PlanChoices;
  onChange: (choices: PlanChoices) => void;
  /** Enter in a field reads the plan at once, without waiting for typing to pause. */
  onSubmit: () => void;
  /** The last plan read, for its add-ons and default name; null before the first. */
  plan: ImportPlan | null;
  /** Why the server refused the plan for these choices. */
  refused: string | null;
}) {
  const set = (patch: Partial<PlanChoices>) => onChange({ ...choices, ...patch });
  const databases = plan ? dataAddons(plan) : [];

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }

  return (
    <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Import choices">
      <Field
        label="App name on SkyPanel"
        name="app-name"
        autoComplete="off"
        spellCheck={false}
        hint={NAME_HINT}
        value={choices.name ?? plan?.app.name ?? ""}
        onChange={(e) => set({ name: e.target.value })}
        className="max-w-md"
      />
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-800">Source of the code</legend>
        <div className="space-y-1 text-sm text-slate-800">
          <label className="flex items-start gap-2">
            <input
              type="radio"
              name="source"
              className="mt-1"
              checked={choices.source === "slug"}
              onChange={() => set({ source: "slug" })}
            />
            <span>Heroku's current slug, rebuilt here</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="source" className="mt-1" checked={choices.source === "git"} onChange={() => set({ source: "git" })} />
            <span>A git repository</span>
          </label>
        </div>
      </fieldset>
      {choices.source === "git" && (
        <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field
            label="Repository URL"
            name="git-url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://github.com/you/app.git"
            hint="Without a user name or token in it: the plan is kept and shown to the team."
            value={choices.gitUrl}
            onChange={(e) => set({ gitUrl: e.target.value })}
            required
          />
          <Field
            label="Branch, tag or commit (optional)"
            name="git-ref"
            autoComplete="off"
            spellCheck={false}
            placeholder="default branch"
            value={choices.gitRef}
            onChange={(e) => set({ gitRef: e.target.value })}
          />
        </div>
      )}
      {plan && databases.length > 0 && (
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-800">Bring the data of these databases</legend>
          <p className="mb-1 text-xs text-slate-600">From each one's latest Heroku backup; an unticked one starts empty.</p>
          <div className="space-y-1 text-sm text-slate-800">
            {databases.map((a) => (
              <label key={a.name} className="flex items-start gap-2">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={bringsData(plan, choices, a.name)}
                  onChange={(e) => onChange(toggleData(plan, choices, a.name, e.target.checked))}
                />
                <span className="min-w-0 break-all">
                  {a.name} <span className="text-slate-600">({a.plan})</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {refused && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="plan-refused">
          <p className="font-medium">The plan could not be made with these choices.</p>
          <p className="mt-1">{refused}</p>
        </div>
      )}
      {/* The plan is read again by itself once typing pauses; this is for Enter, and for trying again. */}
      <Button type="submit">Update the plan</Button>
    </form>
  );
}
