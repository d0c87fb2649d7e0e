import type { PromotionPreview } from "./types.ts";

type Diff = PromotionPreview["targets"][number]["configKeys"];

const GROUPS: { key: keyof Diff; label: string; hint: string }[] = [
  { key: "onlyInSource", label: "Only in the source", hint: "not set on the target: the promoted build runs without them" },
  { key: "onlyInTarget", label: "Only in the target", hint: "kept: the target keeps its own config" },
  { key: "inBoth", label: "In both", hint: "the target's own values are used" },
];

/** Which config keys differ between the source and a target. Keys only: values never leave the server here. */
export function ConfigKeyDiff({ diff, target }: { diff: Diff; target: string }) {
  return (
    <section data-testid="config-key-diff" aria-label={`Config keys of ${target} compared`}>
      {GROUPS.map(({ key, label, hint }) => (
        <div key={key} className="mt-2" data-testid={`config-keys-${key}`}>
          <p className="text-xs font-medium text-slate-800">
            {label} ({diff[key].length}) <span className="font-normal text-slate-600">— {hint}</span>
          </p>
          {diff[key].length > 0 ? (
            <ul className="mt-1 flex flex-wrap gap-1">
              {diff[key].map((k) => (
                <li key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                  {k}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-xs text-slate-600">None</p>
          )}
        </div>
      ))}
    </section>
  );
}
