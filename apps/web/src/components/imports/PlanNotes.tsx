import type { ImportPlan } from "../../hooks/useImports.ts";

/** What cannot come along and why, then the plan in sentences, in the order the import does them. */
export function PlanNotes({ plan }: { plan: ImportPlan }) {
  return (
    <>
      {plan.unsupported.length > 0 && (
        <section className="rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="plan-unsupported">
          <h3 className="text-base font-semibold text-amber-950">Not brought over ({plan.unsupported.length})</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-amber-950">
            {plan.unsupported.map((u) => (
              <li key={u.what} className="break-words">
                <span className="font-medium">{u.what}</span>: {u.why}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="plan-creates">
        <h3 className="text-base font-semibold">What the import will do</h3>
        <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-800">
          {plan.creates.map((sentence) => (
            <li key={sentence} className="break-words">
              {sentence}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
