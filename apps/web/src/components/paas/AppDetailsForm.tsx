import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { useUpdateApp } from "../../hooks/useApp.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Field } from "../ui/Field.tsx";
import { type AppDetail, can } from "./types.ts";

export function AppDetailsForm({ app }: { app: AppDetail }) {
  const [name, setName] = useState(app.name);
  const [description, setDescription] = useState(app.description);
  const update = useUpdateApp();
  const navigate = useNavigate();
  const editable = can.edit(app.role);
  const changed = name.trim() !== app.name || description.trim() !== app.description;

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = {
      app: app.id,
      ...(name.trim() !== app.name ? { name: name.trim() } : {}),
      ...(description.trim() !== app.description ? { description: description.trim() } : {}),
    };
    update.mutate(input, {
      // The address holds the name, so a rename moves the page to the new one.
      onSuccess: (saved) => {
        if (saved.name !== app.name) navigate(`/paas/apps/${saved.name}/settings`, { replace: true });
      },
    });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="App details">
      <Field
        label="App name"
        autoComplete="off"
        spellCheck={false}
        disabled={!editable}
        hint="Renaming changes the app's address and hostname."
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={update.isError ? errorMessage(update.error) : undefined}
      />
      <Field label="Description" disabled={!editable} value={description} onChange={(e) => setDescription(e.target.value)} />
      {editable ? (
        <Button type="submit" variant="primary" disabled={!changed || update.isPending}>
          {update.isPending ? "Saving…" : "Save changes"}
        </Button>
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot change this app.</p>
      )}
    </form>
  );
}
