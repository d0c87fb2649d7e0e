import { type FormEvent, useId, useState } from "react";
import type { HerokuAppSummary } from "../../hooks/useImports.ts";
import { cx } from "../../lib/cx.ts";
import { Button } from "../ui/Button.tsx";
import { Field } from "../ui/Field.tsx";

/** Past this many apps a filter box helps find one. */
const FILTER_FROM = 8;

/** Step 2: the Heroku apps the token sees, as a radio group (arrow keys move the choice). */
export function HerokuAppPicker({
  apps,
  chosen,
  onChoose,
}: {
  apps: HerokuAppSummary[];
  chosen: string | null;
  onChoose: (name: string) => void;
}) {
  const [picked, setPicked] = useState(chosen ?? "");
  const [filter, setFilter] = useState("");
  const id = useId();
  const shown = apps.filter((a) => a.name.includes(filter.trim().toLowerCase()));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (picked) onChoose(picked);
  }

  if (apps.length === 0)
    return (
      <p className="text-sm text-slate-700" data-testid="heroku-apps-empty">
        This token sees no Heroku apps. Use the token of an account that is a member or collaborator of the app.
      </p>
    );

  return (
    <form onSubmit={submit} className="space-y-3">
      {apps.length > FILTER_FROM && (
        <Field label="Filter by name" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} className="max-w-xs" />
      )}
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-800">Heroku app</legend>
        <div className="max-h-80 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 bg-white">
          {shown.map((app) => (
            <label
              key={app.id}
              className={cx(
                "flex cursor-pointer items-start gap-3 px-3 py-2 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-inset has-[:focus-visible]:ring-indigo-600",
                picked === app.name ? "bg-indigo-50" : "hover:bg-slate-50",
              )}
            >
              <input
                type="radio"
                name="heroku-app"
                value={app.name}
                checked={picked === app.name}
                onChange={() => setPicked(app.name)}
                aria-labelledby={`${id}-${app.id}`}
                aria-describedby={`${id}-${app.id}-about`}
                className="mt-1"
              />
              <span className="min-w-0">
                <span id={`${id}-${app.id}`} className="block break-all font-medium text-slate-900">
                  {app.name}
                </span>
                <span id={`${id}-${app.id}-about`} className="block text-xs text-slate-600">
                  Stack {app.stack || "unknown"} · region {app.region ?? "unknown"}
                </span>
              </span>
            </label>
          ))}
          {shown.length === 0 && <p className="px-3 py-2 text-sm text-slate-600">No app's name has “{filter.trim()}” in it.</p>}
        </div>
      </fieldset>
      <Button type="submit" variant="primary" disabled={!picked}>
        Plan the import
      </Button>
    </form>
  );
}
