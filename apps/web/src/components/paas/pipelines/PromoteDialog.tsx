import { useState } from "react";
import { usePromote, usePromotionPreview } from "../../../hooks/usePipelines.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { blockedByFindings } from "../BuildVulnerabilities.tsx";
import { STRATEGIES } from "../deployments.ts";
import { ConfigKeyDiff } from "./ConfigKeyDiff.tsx";
import { PromotionProgress } from "./PromotionProgress.tsx";
import { type PromotionPreview, type ReleaseView, STAGE_LABELS, type StageApp } from "./types.ts";

const strategyLabel = (strategy: string) => STRATEGIES[strategy as keyof typeof STRATEGIES]?.label ?? strategy;
const version = (release: ReleaseView | null) => (release ? `v${release.version}` : "no release");

function TargetRow({
  target,
  source,
  checked,
  onToggle,
}: {
  target: PromotionPreview["targets"][number];
  source: PromotionPreview["from"];
  checked: boolean;
  onToggle: (checked: boolean) => void;
}) {
  return (
    <li data-testid="promotion-target" data-app={target.app.name} className="rounded-md border border-slate-200 p-3">
      <label className="flex items-center gap-2 text-sm font-medium text-slate-900">
        <input type="checkbox" checked={checked} onChange={(e) => onToggle(e.target.checked)} />
        {target.app.name}
      </label>
      <p className="mt-1 text-xs text-slate-700" data-testid="promotion-change">
        {version(target.release)} → the build of {source.app.name} v{source.release.version}, with {target.app.name}'s own config, deployed{" "}
        <span data-testid="promotion-strategy">{strategyLabel(target.strategy)}</span>
      </p>
      <ConfigKeyDiff diff={target.configKeys} target={target.app.name} />
    </li>
  );
}

/**
 * Promote asks first: the preview says which apps of the next stage get the source's exact build
 * (no rebuild) and how their config keys differ; only the confirm button calls promote. Then the
 * new deployments are followed here until they finish.
 */
export function PromoteDialog({ pipeline, from, onClose }: { pipeline: string; from: StageApp; onClose: () => void }) {
  const preview = usePromotionPreview(pipeline, from.name);
  const promote = usePromote();
  const [skipped, setSkipped] = useState<string[]>([]);
  // The team's policy refused the build for its critical findings: a reason overrides it (audited), as for a deploy.
  const [overrideReason, setOverrideReason] = useState("");
  const blocked = promote.isError && blockedByFindings(promote.error) !== null;
  const targets = preview.data?.targets ?? [];
  const chosen = targets.filter((t) => !skipped.includes(t.app.name));

  function confirm() {
    const to = chosen.length === targets.length ? {} : { to: chosen.map((t) => t.app.name) };
    const reason = blocked ? overrideReason.trim() : "";
    promote.mutate({ pipeline, from: from.name, ...to, ...(reason ? { overrideReason: reason } : {}) });
  }

  return (
    <Dialog title={`Promote ${from.name}?`} onClose={onClose} testId="promote-dialog">
      {promote.isSuccess ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">Promoted. The new releases are deploying:</p>
          <PromotionProgress promotions={promote.data.promotions} />
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        </div>
      ) : preview.isPending ? (
        <LoadingBlock label="Reading what the promotion would change…" />
      ) : preview.isError ? (
        <ErrorNotice title="The promotion could not be prepared." error={preview.error} onRetry={() => preview.refetch()} />
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            {STAGE_LABELS[preview.data.nextStage]} gets the build of{" "}
            <strong>
              {preview.data.from.app.name} v{preview.data.from.release.version}
            </strong>{" "}
            as it is (no rebuild), each app with its own config, as a new release.
          </p>
          {targets.length === 0 ? (
            <p className="text-sm text-slate-700">The next stage has no apps: add one to it first.</p>
          ) : (
            <ul aria-label="Apps that get the build" className="max-h-[50vh] space-y-2 overflow-y-auto">
              {targets.map((t) => (
                <TargetRow
                  key={t.app.id}
                  target={t}
                  source={preview.data.from}
                  checked={!skipped.includes(t.app.name)}
                  onToggle={(on) => setSkipped((s) => (on ? s.filter((n) => n !== t.app.name) : [...s, t.app.name]))}
                />
              ))}
            </ul>
          )}
          {promote.isError && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              {errorMessage(promote.error)}
            </p>
          )}
          {blocked && (
            <Field
              label="Override reason"
              hint="Why this build may go out with its critical findings; written to the audit log with them."
              value={overrideReason}
              maxLength={500}
              onChange={(e) => setOverrideReason(e.target.value)}
            />
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant={blocked ? "danger" : "primary"}
              disabled={chosen.length === 0 || promote.isPending || (blocked && overrideReason.trim() === "")}
              onClick={confirm}
            >
              {promote.isPending ? "Promoting…" : `Promote to ${chosen.length} app${chosen.length === 1 ? "" : "s"}`}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
