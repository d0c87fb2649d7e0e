import { formatDateTime, formatRelative } from "../../../lib/format.ts";
import type { ReleaseView } from "./types.ts";

const KIND_LABELS: Record<ReleaseView["kind"], string> = { build: "build", config: "config", rollback: "rollback", promotion: "promotion" };

/** "/nix/store/abcd…-name" → "abcdefgh…-name": the hash prefix tells two builds apart, the rest is noise. */
export function shortStorePath(path: string): string {
  const base = path.replace(/^\/nix\/store\//, "");
  const dash = base.indexOf("-");
  return dash > 8 ? `${base.slice(0, 8)}…${base.slice(dash)}` : base;
}

/** A release as the pipeline shows it: version, kind, age, commit, where a promotion came from, and its build's store path. */
export function ReleaseSummary({ release }: { release: ReleaseView | null }) {
  if (!release) return <p className="text-xs text-slate-600">No release yet</p>;
  return (
    <dl
      className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs text-slate-700"
      data-testid="release-summary"
      data-kind={release.kind}
    >
      <dt className="text-slate-600">Release</dt>
      <dd>
        <span className="font-medium text-slate-900" data-testid="release-version">
          v{release.version}
        </span>{" "}
        <span data-testid="release-kind">{KIND_LABELS[release.kind]}</span>,{" "}
        <time dateTime={release.createdAt.toISOString()} title={formatDateTime(release.createdAt)}>
          {formatRelative(release.createdAt)}
        </time>
      </dd>
      {release.promotedFrom && (
        <>
          <dt className="text-slate-600">Promoted from</dt>
          <dd data-testid="promoted-from">
            {release.promotedFrom.appName} v{release.promotedFrom.version}
          </dd>
        </>
      )}
      <dt className="text-slate-600">Commit</dt>
      <dd className="font-mono" data-testid="release-commit" title={release.commit ?? undefined}>
        {release.commit ? release.commit.slice(0, 7) : "—"}
      </dd>
      <dt className="text-slate-600">Build</dt>
      <dd className="min-w-0 truncate font-mono" title={release.storePath ?? undefined} data-testid="release-store-path">
        {release.buildNumber !== null ? `#${release.buildNumber} ` : ""}
        {release.storePath ? shortStorePath(release.storePath) : "—"}
      </dd>
    </dl>
  );
}
