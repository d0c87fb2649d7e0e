import type { ReactNode } from "react";
import type { Build } from "./builds.ts";

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Command({ value, none }: { value: string | null; none: string }) {
  return value ? (
    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-900">{value}</code>
  ) : (
    <span className="text-slate-600">{none}</span>
  );
}

/** What detection decided about the source, and why; null until the detect stage has looked (and on old builds). */
export function BuildPlan({ plan }: { plan: Build["plan"] }) {
  return (
    <section aria-labelledby="build-plan-title" data-testid="build-plan" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="build-plan-title" className="text-base font-semibold">
        Build plan
      </h2>
      {!plan ? (
        <p className="mt-2 text-sm text-slate-600">The plan appears once the detect stage has looked at the source.</p>
      ) : (
        <div className="mt-3 space-y-4 text-sm">
          {plan.warnings.length > 0 && (
            <ul
              aria-label="Warnings"
              data-testid="plan-warnings"
              className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950"
            >
              {plan.warnings.map((w) => (
                <li key={w} className="flex gap-2">
                  <span aria-hidden="true" className="font-bold">
                    !
                  </span>
                  <span>
                    <span className="sr-only">Warning: </span>
                    {w}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2">
            <Row term="Stack">
              <span data-testid="plan-stack">{plan.stack}</span>
              {plan.framework && <span className="text-slate-600"> · {plan.framework}</span>}
            </Row>
            <Row term="Versions">
              {Object.keys(plan.versions).length === 0
                ? "the platform's defaults"
                : Object.entries(plan.versions)
                    .map(([tool, version]) => `${tool} ${version}`)
                    .join(", ")}
            </Row>
            <Row term="Package manager">{plan.packageManager}</Row>
            <Row term="Install">
              <Command value={plan.install} none="nothing to install" />
            </Row>
            <Row term="Build">
              <Command value={plan.build} none="no build step" />
            </Row>
            <Row term="Test">
              <Command value={plan.test} none="no test command" />
            </Row>
            <Row term="Processes">
              {Object.keys(plan.processes).length === 0 ? (
                <span className="text-slate-600">none found</span>
              ) : (
                <ul className="space-y-1">
                  {Object.entries(plan.processes).map(([type, command]) => (
                    <li key={type}>
                      <span className="font-medium">{type}</span>: <Command value={command} none="" />
                    </li>
                  ))}
                </ul>
              )}
            </Row>
            {plan.release && (
              <Row term="Release">
                <Command value={plan.release} none="" />
              </Row>
            )}
            <Row term="Port">{plan.port}</Row>
          </dl>
          {plan.reasons.length > 0 && (
            <div>
              <h3 className="font-medium text-slate-900">Why</h3>
              <ul className="mt-1 space-y-1 text-slate-700" data-testid="plan-reasons">
                {plan.reasons.map((r) => (
                  <li key={`${r.topic}:${r.reason}`}>
                    <span className="font-medium text-slate-900">{r.topic}</span>: {r.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
