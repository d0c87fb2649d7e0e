import { useId, useState } from "react";
import { type AppDomain, useSetDomainHsts } from "../../../hooks/useDomains.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";

/**
 * The domain's HSTS setting. Turning it on is confirmed first, because browsers that saw the header
 * keep refusing plain HTTP for a year whatever the setting says afterwards; turning it off is not.
 */
export function DomainHsts({ app, domain: d, editable }: { app: string; domain: AppDomain; editable: boolean }) {
  const set = useSetDomainHsts(app);
  const [confirming, setConfirming] = useState(false);
  const noteId = useId();
  if (!editable) return <p className="text-slate-700">HSTS: {d.hsts ? "on" : "off"}</p>;

  const https = d.tlsStatus === "issued";
  const apply = (hsts: boolean) => set.mutate({ app, domain: d.hostname, hsts }, { onSettled: () => setConfirming(false) });
  return (
    <div>
      <label className="flex items-center gap-2 text-slate-800">
        <input
          type="checkbox"
          checked={d.hsts}
          // Turning it off stays possible without a certificate, so a lapsed one never locks HSTS on.
          disabled={set.isPending || (!https && !d.hsts)}
          aria-describedby={https ? undefined : noteId}
          onChange={(e) => (e.target.checked ? setConfirming(true) : apply(false))}
        />
        HSTS (Strict-Transport-Security for a year)<span className="sr-only"> on {d.hostname}</span>
      </label>
      {!https && (
        <p id={noteId} className="text-slate-600">
          HSTS applies once the domain is served over HTTPS.
        </p>
      )}
      {confirming && (
        <Dialog title={`Turn on HSTS for ${d.hostname}?`} onClose={() => setConfirming(false)} testId="confirm-hsts">
          <p className="text-sm text-slate-700">
            Browsers that receive the Strict-Transport-Security header from <strong>{d.hostname}</strong> refuse plain HTTP to it for a
            year, even if HSTS is turned off again here. Turn it on only if the domain will keep being served over HTTPS.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button variant="primary" disabled={set.isPending} onClick={() => apply(true)}>
              {set.isPending ? "Turning on…" : "Turn on HSTS"}
            </Button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
