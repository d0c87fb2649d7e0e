import { Fragment } from "react";
import { SHORTCUTS } from "../../hooks/useShortcuts.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";

/** The "?" overlay: every keyboard shortcut, and where it works. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcut-help">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {SHORTCUTS.map((s) => (
          <Fragment key={s.keys.join(" ")}>
            <dt className="whitespace-nowrap">
              {s.keys.map((k, i) => (
                <Fragment key={k}>
                  {i > 0 && <span className="mx-1 text-slate-500">then</span>}
                  <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">{k}</kbd>
                </Fragment>
              ))}
            </dt>
            <dd className="text-slate-700">
              {s.does}
              {s.where && <span className="text-slate-500"> ({s.where})</span>}
            </dd>
          </Fragment>
        ))}
      </dl>
      <div className="mt-4 flex justify-end">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
