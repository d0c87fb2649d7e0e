import { useMaintenance } from "../../hooks/useMaintenance.ts";

/** Next to the app's status while it is in maintenance: visitors get the maintenance page, not the app. */
export function MaintenanceBadge({ appId }: { appId: string }) {
  const maintenance = useMaintenance(appId);
  if (!maintenance.data?.enabled) return null;
  return (
    <span
      data-testid="maintenance-badge"
      title="Visitors get the maintenance page with 503; the instances keep running."
      className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
    >
      Maintenance
    </span>
  );
}
