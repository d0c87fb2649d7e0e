import type { Addon } from "../../../hooks/useAddons.ts";
import { formatDateTime } from "../../../lib/format.ts";

/** What the platform's periodic check last saw of the add-on's server: reachable or not, and why. */
export function AddonHealth({ health }: { health: Addon["health"] }) {
  if (!health) return <span className="text-slate-600">Not checked yet</span>;
  const checked = `checked ${formatDateTime(health.checkedAt)}`;
  if (health.state === "healthy") {
    return (
      <span data-testid="addon-health" data-state="healthy" className="text-green-800">
        Healthy <span className="text-slate-600">({checked})</span>
      </span>
    );
  }
  return (
    <span data-testid="addon-health" data-state="degraded" role="alert" className="break-words text-red-700">
      Degraded since {formatDateTime(health.changedAt)}: {health.reason ?? "its server does not answer"}{" "}
      <span className="text-slate-600">({checked})</span>
    </span>
  );
}
