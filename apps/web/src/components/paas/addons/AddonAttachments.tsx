import { type Addon, useDetachAddon } from "../../../hooks/useAddons.ts";
import { Button } from "../../ui/Button.tsx";

/**
 * The apps the add-on is attached to and under which var (the owner sees every one, another app
 * only its own). Detaching unsets the var on that app; the add-on and its data stay.
 */
export function AddonAttachments({ app, addon, editable }: { app: string; addon: Addon; editable: boolean }) {
  const detach = useDetachAddon();

  return (
    <div>
      <h4 className="text-sm font-semibold text-slate-900">Attached to</h4>
      {addon.attachments.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700">No app: no app sees this add-on until it is attached again. Its data stays.</p>
      ) : (
        <ul className="mt-1 divide-y divide-slate-100 text-sm" aria-label={`Attachments of ${addon.name}`}>
          {addon.attachments.map((a) => (
            <li key={a.id} data-testid="addon-attachment" className="flex flex-wrap items-center justify-between gap-2 py-1.5">
              <span className="break-all text-slate-800">
                {a.app} as <code className="font-mono">{a.as}</code>
              </span>
              {editable && (
                <Button
                  variant="ghost"
                  aria-label={`Detach ${addon.name} from ${a.app} (${a.as})`}
                  disabled={detach.isPending}
                  onClick={() => detach.mutate({ app, addonId: addon.id, attachmentId: a.id })}
                >
                  Detach
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
