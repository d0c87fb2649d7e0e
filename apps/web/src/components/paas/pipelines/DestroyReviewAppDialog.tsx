import { type FormEvent, useState } from "react";
import { useDestroyReviewApp } from "../../../hooks/useReviewApps.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { TypeToConfirm } from "../../ui/TypeToConfirm.tsx";
import type { ReviewAppView } from "./types.ts";

/** Destroying a review app deletes its app and add-ons: the user types the app's name first. */
export function DestroyReviewAppDialog({ pipeline, review, onClose }: { pipeline: string; review: ReviewAppView; onClose: () => void }) {
  const name = review.app?.name ?? review.branch;
  const [typed, setTyped] = useState("");
  const destroy = useDestroyReviewApp();
  const matches = typed === name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) destroy.mutate({ pipeline, reviewApp: review.id, confirm: name }, { onSuccess: onClose });
  }

  return (
    <Dialog title={`Destroy the review app of ${review.branch}?`} onClose={onClose} testId="destroy-review-app">
      <form onSubmit={submit} className="space-y-3">
        <p className="text-sm text-slate-700">
          This deletes <strong>{name}</strong> with its config, releases and add-ons. The branch itself is not touched.
        </p>
        <TypeToConfirm name={name} value={typed} onChange={setTyped} />
        {destroy.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(destroy.error)}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!matches || destroy.isPending}>
            {destroy.isPending ? "Destroying…" : "Destroy review app"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
