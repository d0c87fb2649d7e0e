import { useState } from "react";
import { Link } from "react-router";
import type { Addon } from "../../../hooks/useAddons.ts";
import { cx } from "../../../lib/cx.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { Button } from "../../ui/Button.tsx";
import { Spinner } from "../../ui/Spinner.tsx";
import type { AppDetail } from "../types.ts";
import { AddonAttachments } from "./AddonAttachments.tsx";
import { AddonCredentials } from "./AddonCredentials.tsx";
import { AddonHealth } from "./AddonHealth.tsx";
import { AttachAddonForm } from "./AttachAddonForm.tsx";
import { typeLabel } from "./addonTypes.ts";
import { BackupList } from "./BackupList.tsx";
import { DestroyAddonDialog } from "./DestroyAddonDialog.tsx";

const STATUS: Record<string, string> = {
  available: "bg-green-100 text-green-800 ring-green-600/30",
  provisioning: "bg-amber-100 text-amber-900 ring-amber-600/30",
  restoring: "bg-sky-100 text-sky-900 ring-sky-600/30",
};

/**
 * One add-on as this app sees it: what it is, the config var that carries it, and what may be done
 * with it. Backups, attachments and destroying go through the app that owns it.
 */
export function AddonCard({ app, addon, editable }: { app: AppDetail; addon: Addon; editable: boolean }) {
  const [destroying, setDestroying] = useState(false);
  const owned = addon.owner.id === app.id;

  return (
    <li data-testid="addon-card" aria-label={addon.name} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="break-all text-lg font-semibold text-slate-900">{addon.name}</h3>
          <p className="text-sm text-slate-700">
            {typeLabel(addon.type)} · {addon.plan} plan
            {addon.connectionLimit !== null && ` · up to ${addon.connectionLimit} connections`}
          </p>
        </div>
        <span
          data-testid="addon-status"
          className={cx(
            "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
            STATUS[addon.status] ?? STATUS.provisioning,
          )}
        >
          {addon.status !== "available" && <Spinner className="size-3" />}
          <span className="sr-only">Status: </span>
          {addon.status}
        </span>
      </div>

      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-slate-600">Config var</dt>
        <dd className="break-all">
          {addon.attachedAs ? <code className="font-mono text-slate-900">{addon.attachedAs}</code> : "Not attached to this app"}
        </dd>
        <dt className="text-slate-600">Server</dt>
        <dd className="break-all font-mono text-slate-900">{addon.server}</dd>
        <dt className="text-slate-600">Health</dt>
        <dd>
          <AddonHealth health={addon.health} />
        </dd>
        <dt className="text-slate-600">{addon.type === "redis" ? "User" : "Database"}</dt>
        <dd className="break-all font-mono text-slate-900">{addon.resource}</dd>
        <dt className="text-slate-600">Created</dt>
        <dd className="text-slate-900">{formatDateTime(addon.createdAt)}</dd>
      </dl>

      {addon.attachedAs && <AddonCredentials app={app.name} varName={addon.attachedAs} />}

      {owned ? (
        <>
          <AddonAttachments app={app.name} addon={addon} editable={editable} />
          {editable && <AttachAddonForm app={app.name} addon={addon} />}
          {addon.type === "postgresql" && <BackupList app={app} addon={addon} editable={editable} />}
          {editable && (
            <div className="flex justify-end border-t border-slate-200 pt-4">
              <Button variant="dangerGhost" aria-label={`Destroy ${addon.name}`} onClick={() => setDestroying(true)}>
                Destroy add-on…
              </Button>
            </div>
          )}
        </>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Owned by{" "}
            <Link to={`/paas/apps/${encodeURIComponent(addon.owner.name)}/addons`} className="font-medium text-indigo-800 hover:underline">
              {addon.owner.name}
            </Link>
            : its backups, attachments and destroying go through that app.
          </p>
          <AddonAttachments app={app.name} addon={addon} editable={editable} />
        </div>
      )}
      {destroying && <DestroyAddonDialog app={app} addon={addon} onClose={() => setDestroying(false)} />}
    </li>
  );
}
