import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { useTeams } from "../../hooks/useApps.ts";
import { type HerokuPlanInput, type ImportPlan, useHerokuPlan, useStartHerokuImport } from "../../hooks/useImports.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { SelectField } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { PlanChoicesForm } from "./PlanChoicesForm.tsx";
import { PlanComparison } from "./PlanComparison.tsx";
import { PlanNotes } from "./PlanNotes.tsx";
import { DEFAULT_CHOICES, planInput } from "./planChoices.ts";

/** Typing pauses this long before the plan is read again; Heroku answers in seconds, not per keystroke. */
const PLAN_DEBOUNCE_MS = 400;

const sameInput = (a: HerokuPlanInput | null, b: HerokuPlanInput | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Step 3: the plan read from Heroku (nothing is made yet), the choices that reshape it, and the
 * button that starts the import with exactly the plan on screen.
 */
export function HerokuPlanStep({ herokuToken, herokuApp }: { herokuToken: string; herokuApp: string }) {
  const [choices, setChoices] = useState(DEFAULT_CHOICES);
  const [shown, setShown] = useState<{ plan: ImportPlan; input: HerokuPlanInput } | null>(null);
  const [teamId, setTeamId] = useState("");
  const plan = useHerokuPlan();
  const start = useStartHerokuImport();
  const teams = useTeams();
  const navigate = useNavigate();
  const input = useMemo(() => planInput(herokuApp, herokuToken, choices), [herokuApp, herokuToken, choices]);
  const delay = useRef(0);

  const { mutate } = plan;
  const read = useCallback(
    (next: HerokuPlanInput | null) => {
      if (next) mutate(next, { onSuccess: (answer) => setShown({ plan: answer, input: next }) });
    },
    [mutate],
  );

  useEffect(() => {
    const timer = setTimeout(() => read(input), delay.current);
    delay.current = PLAN_DEBOUNCE_MS;
    return () => clearTimeout(timer);
  }, [read, input]);

  const current = shown !== null && sameInput(shown.input, input) && !plan.isPending && !plan.isError;
  const writableTeams = (teams.data ?? []).filter((t) => t.role !== "viewer");

  function begin() {
    if (!current || !input) return;
    start.mutate({ ...input, ...(teamId ? { teamId } : {}) }, { onSuccess: ({ id }) => navigate(`/paas/import/${id}`) });
  }

  return (
    <div className="space-y-4">
      <PlanChoicesForm
        choices={choices}
        onChange={(next) => {
          setChoices(next);
          start.reset();
        }}
        onSubmit={() => read(input)}
        plan={shown?.plan ?? null}
        refused={plan.isError ? errorMessage(plan.error) : null}
      />
      <p role="status" className="text-sm text-slate-600" data-testid="plan-state">
        {plan.isPending
          ? `Reading ${herokuApp} from Heroku…`
          : input === null
            ? `Give the repository's URL to plan the import from it${shown ? "; the plan below is for your previous choices" : ""}.`
            : current
              ? "The plan below is up to date with your choices. Nothing has been made yet."
              : ""}
      </p>
      {shown === null && plan.isPending && <LoadingBlock label="Loading the plan…" rows={2} />}
      {shown !== null && !plan.isError && (
        <div aria-busy={plan.isPending} className="space-y-4">
          <PlanComparison plan={shown.plan} />
          <PlanNotes plan={shown.plan} />
        </div>
      )}
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <p className="text-sm text-slate-700">
          Heroku is only read, never changed. A finished import can be rolled back, which deletes what it made here.
        </p>
        <div className="flex flex-wrap items-end gap-3">
          {writableTeams.length > 1 && (
            <SelectField label="Team" value={teamId} onChange={(e) => setTeamId(e.target.value)} className="min-w-48">
              <option value="">Personal</option>
              {writableTeams
                .filter((t) => !t.personal)
                .map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
            </SelectField>
          )}
          <Button variant="primary" disabled={!current || start.isPending} onClick={begin}>
            {start.isPending ? "Starting…" : "Start the import"}
          </Button>
        </div>
        {start.isError && (
          <p role="alert" className="text-sm text-red-700" data-testid="start-refused">
            {errorMessage(start.error)}
          </p>
        )}
      </div>
    </div>
  );
}
