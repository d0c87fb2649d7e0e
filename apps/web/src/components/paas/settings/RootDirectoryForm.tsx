import { type FormEvent, useState } from "react";
import { useUpdateApp } from "../../../hooks/useApp.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field } from "../../ui/Field.tsx";
import { type AppDetail, can } from "../types.ts";

/** The sub-folder of the repository the app builds from (monorepos); takes effect on the next build. */
export function RootDirectoryForm({ app }: { app: AppDetail }) {
  const saved = app.rootDirectory ?? "";
  const [value, setValue] = useState(saved);
  const update = useUpdateApp();
  const editable = can.edit(app.role);
  const changed = value.trim() !== saved;

  function submit(event: FormEvent) {
    event.preventDefault();
    const rootDirectory = value.trim() === "" ? null : value.trim();
    // The server stores the path normalised (no trailing slash); show what it kept.
    update.mutate({ app: app.id, rootDirectory }, { onSuccess: (next) => setValue(next.rootDirectory ?? "") });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Root directory">
      <Field
        label="Root directory"
        placeholder="apps/web"
        autoComplete="off"
        spellCheck={false}
        disabled={!editable}
        hint="The folder of the repository this app builds from, for monorepos; empty: the repository's root. Used from the next build."
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={update.isError ? errorMessage(update.error) : undefined}
      />
      {editable && (
        <Button type="submit" variant="primary" disabled={!changed || update.isPending}>
          {update.isPending ? "Saving…" : "Save root directory"}
        </Button>
      )}
    </form>
  );
}
