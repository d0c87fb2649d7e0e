import { type ReactNode, useId } from "react";
import type { ImportPlan } from "../../hooks/useImports.ts";
import { formatBytes } from "../../lib/format.ts";

interface Row {
  key: string;
  what: ReactNode;
  heroku: ReactNode;
  skypanel: ReactNode;
  note?: string;
}

const COLUMNS = "grid gap-x-4 gap-y-0.5 sm:grid-cols-[minmax(0,11rem)_minmax(0,1fr)_minmax(0,1fr)]";
const TYPE_WORDS = { postgresql: "PostgreSQL", redis: "Redis" } as const;
const DATA_WORDS = {
  backup: "data restored from the latest backup",
  none: "starts empty",
  unavailable: "starts empty: its data cannot come",
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The plan side by side: what the Heroku app has, and what it becomes here. On a phone each row stacks. */
export function PlanComparison({ plan }: { plan: ImportPlan }) {
  const titleId = useId();
  const addonOf = (name: string) => plan.addons.find((a) => a.name === name);
  const s = plan.source;
  const h = plan.heroku;

  const app: Row[] = [
    { key: "name", what: "App name", heroku: h.name, skypanel: plan.app.name },
    { key: "region", what: "Region", heroku: h.region ?? "unknown", skypanel: "This platform's servers" },
    {
      key: "build",
      what: "Stack and build",
      heroku: `${h.stack}; ${h.buildpacks.length ? `buildpacks ${h.buildpacks.join(", ")}` : "buildpacks detected by Heroku"}`,
      skypanel: "Detected from the source and built with Nix",
    },
    s.kind === "slug"
      ? {
          key: "source",
          what: "Source",
          heroku: [
            `The slug${h.release === null ? "" : ` of release v${h.release}`}`,
            s.bytes === null ? null : formatBytes(s.bytes),
            s.commit ? `commit ${s.commit}` : null,
          ]
            .filter(Boolean)
            .join(", "),
          skypanel: "Rebuilt here from the slug's code",
          ...(s.dropped.length ? { note: `Build output left out and made again: ${s.dropped.join(", ")}.` } : {}),
        }
      : {
          key: "source",
          what: "Source",
          heroku: "The slug is not used",
          skypanel: (
            <>
              Built from <span className="break-all font-mono">{s.url}</span> at {s.ref ?? "its default branch"}
            </>
          ),
        },
  ];
  const processes: Row[] = plan.processes.map((p) => ({
    key: p.type,
    what: <span className="font-mono">{p.type}</span>,
    heroku: (
      <>
        {plural(p.quantity, "dyno")} ({p.size})
        {p.command && <span className="block break-all font-mono text-xs text-slate-600">{p.command}</span>}
      </>
    ),
    skypanel: plural(p.quantity, "instance"),
  }));
  const addons: Row[] = plan.addons.map((a) => ({
    key: a.name,
    what: <span className="break-all">{a.name}</span>,
    heroku: `${a.service}, plan ${a.plan}`,
    skypanel: a.becomes ? `${TYPE_WORDS[a.becomes]} add-on, ${DATA_WORDS[a.data]}` : "Not brought over",
    note: a.note,
  }));
  const config: Row[] = plan.config.map((c) => {
    const owner = c.addon ? addonOf(c.addon) : undefined;
    return {
      key: c.key,
      what: <span className="break-all font-mono">{c.key}</span>,
      heroku: c.action === "addon" ? `set by add-on ${c.addon}` : "set",
      skypanel: c.action === "copy" ? "copied" : owner?.becomes ? `recreated by add-on ${c.addon}` : "not copied (no such add-on here)",
    };
  });
  const domains: Row[] = plan.domains.map((d) => ({
    key: d.hostname,
    what: <span className="break-all">{d.hostname}</span>,
    heroku: d.action === "skip" ? "Heroku's own address" : "custom domain",
    skypanel: d.action === "add" ? "added" : "skipped",
    note: d.note,
  }));

  return (
    <section aria-labelledby={titleId} data-testid="plan-comparison" className="rounded-lg border border-slate-200 bg-white p-4">
      <h3 id={titleId} className="text-base font-semibold">
        Heroku → SkyPanel
      </h3>
      <div
        aria-hidden="true"
        className={`${COLUMNS} mt-2 hidden border-b border-slate-200 pb-1 text-xs font-semibold uppercase text-slate-600 sm:grid`}
      >
        <span />
        <span>On Heroku</span>
        <span>On SkyPanel</span>
      </div>
      <Group title="App" rows={app} />
      <Group title={`Processes (${processes.length})`} rows={processes} empty="No process types." />
      <Group title={`Add-ons (${addons.length})`} rows={addons} empty="No add-ons." />
      <Group
        title={`Config vars (${config.length})`}
        rows={config}
        empty="No config vars."
        lead="Only the names are shown here; values are copied, never displayed."
      />
      <Group title={`Domains (${domains.length})`} rows={domains} empty="No domains." />
    </section>
  );
}

function Group({ title, rows, empty, lead }: { title: string; rows: Row[]; empty?: string; lead?: string }) {
  return (
    <div className="mt-4">
      <h4 className="text-sm font-semibold text-slate-900">{title}</h4>
      {lead && <p className="text-xs text-slate-600">{lead}</p>}
      {rows.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">{empty}</p>
      ) : (
        <dl className="divide-y divide-slate-100 text-sm">
          {rows.map((r) => (
            <div key={r.key} className={`${COLUMNS} py-2`} data-testid="plan-row">
              <dt className="min-w-0 break-words font-medium text-slate-900">{r.what}</dt>
              <dd className="min-w-0 break-words text-slate-700">
                <Side>On Heroku</Side>
                {r.heroku}
              </dd>
              <dd className="min-w-0 break-words text-slate-900">
                <Side>On SkyPanel</Side>
                {r.skypanel}
                {r.note && <span className="block text-xs text-slate-600">{r.note}</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** The column's name: shown beside the value on a phone, read out (but not shown) where the columns have headers. */
function Side({ children }: { children: string }) {
  return <span className="mr-1 text-xs font-semibold uppercase text-slate-600 sm:sr-only">{children}: </span>;
}
