import { type FormEvent, useState } from "react";
import { useDeletePipeline } from "../../../hooks/usePipelines.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { TypeToConfirm } from "../../ui/TypeToConfirm.tsx";

/** Deleting a pipeline keeps its apps (they are only taken out); the server refuses while review apps live. */
export function DeletePipelineDialog({
  pipeline,
  onClose,
  onDeleted,
}: {
  pipeline: { id: string; name: string };
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [typed, setTyped] = useState("");
  const remove = useDeletePipeline();
  const matches = typed === pipeline.name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) remove.mutate({ pipeline: pipeline.id, confirm: pipeline.name }, { onSuccess: onDeleted });
  }

  return (
    <Dialog title={`Delete the pipeline ${pipeline.name}?`} onClose={onClose} testId="delete-pipeline">
      <form onSubmit={submit} className="space-y-3">
        <p className="text-sm text-slate-700">Its apps are kept, outside any pipeline. Destroy its review apps first.</p>
        <TypeToConfirm name={pipeline.name} value={typed} onChange={setTyped} />
        {remove.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(remove.error)}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!matches || remove.isPending}>
            {remove.isPending ? "Deleting…" : "Delete pipeline"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
