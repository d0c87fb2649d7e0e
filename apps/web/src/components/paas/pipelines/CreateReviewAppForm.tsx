import { type FormEvent, useState } from "react";
import { useCreateReviewApp } from "../../../hooks/useReviewApps.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field } from "../../ui/Field.tsx";

/** A review app for a branch of the pipeline's repository (the review settings name it); the server says what is wrong. */
export function CreateReviewAppForm({ pipeline }: { pipeline: string }) {
  const [branch, setBranch] = useState("");
  const create = useCreateReviewApp();

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ pipeline, branch: branch.trim() }, { onSuccess: () => setBranch("") });
  }

  return (
    <form onSubmit={submit} aria-label="Create a review app" className="flex items-start gap-2">
      <Field
        label="Branch"
        className="min-w-0 flex-1"
        autoComplete="off"
        spellCheck={false}
        placeholder="feature/login"
        value={branch}
        onChange={(e) => setBranch(e.target.value)}
        error={create.isError ? errorMessage(create.error) : undefined}
      />
      <Button type="submit" className="mt-6" disabled={!branch.trim() || create.isPending}>
        {create.isPending ? "Creating…" : "Create"}
      </Button>
    </form>
  );
}
