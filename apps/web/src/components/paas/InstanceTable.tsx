import { useState } from "react";
import { type Instance, useInstances, useReleases } from "../../hooks/useDeployments.ts";
import { formatBytes, formatDateTime, formatRelative } from "../../lib/format.ts";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { shortId, versionOf } from "./deployments.ts";
import { RuntimeBadge } from "./RuntimeBadge.tsx";
import { TD, TH } from "./tableStyles.ts";

const isGone = (i: Instance) => i.status === "stopped" || i.status === "failed";

function When({ date }: { date: Date | null }) {
  if (!date) return <>—</>;
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {formatRelative(date)}
    </time>
  );
}

/** The app's instances, kept current by the platform's instance events: live ones always, stopped and failed ones on request. */
export function InstanceTable({ app }: { app: string }) {
  const instances = useInstances(app);
  const releases = useReleases(app);
  const [showStopped, setShowStopped] = useState(false);

  if (instances.isPending) return <LoadingBlock label="Loading the instances…" rows={1} />;
  if (instances.isError)
    return <ErrorNotice title="The instances could not be loaded." error={instances.error} onRetry={() => instances.refetch()} />;

  const gone = instances.data.filter(isGone).length;
  const shown = showStopped ? instances.data : instances.data.filter((i) => !isGone(i));
  return (
    <div className="space-y-3">
      {gone > 0 && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={showStopped}
            onChange={(e) => setShowStopped(e.target.checked)}
            className="size-4 accent-indigo-700"
          />
          Show stopped and failed instances ({gone})
        </label>
      )}
      {shown.length === 0 ? (
        <p className="text-slate-600" data-testid="instances-empty">
          No instances are running.
        </p>
      ) : (
        // The table scrolls inside its own box on a narrow screen, not the page. `relative` keeps the
        // visually hidden labels (absolutely positioned) inside that box instead of widening the page.
        <section
          aria-label="Instances"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus, or keyboard users cannot scroll it.
          tabIndex={0}
          className="relative overflow-x-auto rounded-md border border-slate-200 focus-visible:ring-2 focus-visible:ring-indigo-600"
        >
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="instance-table">
            <caption className="sr-only">Instances</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={TH}>
                  Process
                </th>
                <th scope="col" className={TH}>
                  Instance
                </th>
                <th scope="col" className={TH}>
                  Release
                </th>
                <th scope="col" className={TH}>
                  Status
                </th>
                <th scope="col" className={TH}>
                  Health
                </th>
                <th scope="col" className={TH}>
                  Restarts
                </th>
                <th scope="col" className={TH}>
                  Started
                </th>
                <th scope="col" className={TH}>
                  CPU
                </th>
                <th scope="col" className={TH}>
                  Memory
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((i) => (
                <tr key={i.id} data-testid="instance-row" data-instance={i.id}>
                  <td className={`${TD} font-medium`}>{i.processType}</td>
                  <td className={`${TD} font-mono text-xs`} title={i.id}>
                    {shortId(i.id)}
                  </td>
                  <td className={TD} data-testid="instance-release">
                    {versionOf(releases.data, i.releaseId)}
                  </td>
                  <td className={TD}>
                    <RuntimeBadge kind="instance" value={i.status} />
                    {i.exitReason && isGone(i) && <p className="mt-1 max-w-56 text-xs text-slate-600">{i.exitReason}</p>}
                  </td>
                  <td className={TD} data-testid="instance-health">
                    <RuntimeBadge kind="health" value={i.healthStatus} />
                    {i.healthDetail && <p className="mt-1 max-w-56 break-words text-xs text-slate-600">{i.healthDetail}</p>}
                    {i.lastHealthCheckAt && (
                      <p className="mt-1 text-xs text-slate-600">
                        checked <When date={i.lastHealthCheckAt} />
                      </p>
                    )}
                  </td>
                  <td className={`${TD} tabular-nums`} data-testid="instance-restarts">
                    {i.restartCount}
                  </td>
                  <td className={`${TD} whitespace-nowrap`}>
                    <When date={i.startedAt} />
                  </td>
                  <td className={`${TD} tabular-nums whitespace-nowrap`}>{i.cpuPercent === null ? "—" : `${i.cpuPercent.toFixed(1)} %`}</td>
                  <td className={`${TD} tabular-nums whitespace-nowrap`}>{i.memoryBytes === null ? "—" : formatBytes(i.memoryBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
