import { type FormEvent, useState } from "react";
import { type Addon, useAttachAddon } from "../../../hooks/useAddons.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field } from "../../ui/Field.tsx";
import { defaultAs } from "./addonTypes.ts";

/** Shares the add-on with another app of the user's (or gives it back to this one) under a var name. */
export function AttachAddonForm({ app, addon }: { app: string; addon: Addon }) {
  const [target, setTarget] = useState("");
  const [as, setAs] = useState("");
  const attach = useAttachAddon(app);
  const fallbackAs = defaultAs(addon.type);

  function submit(event: FormEvent) {
    event.preventDefault();
    attach.mutate(
      { app, addonId: addon.id, ...(target.trim() ? { target: target.trim() } : {}), ...(as.trim() ? { as: as.trim() } : {}) },
      {
        onSuccess: () => {
          setTarget("");
          setAs("");
        },
      },
    );
  }

  const edit = (set: (value: string) => void) => (e: { target: { value: string } }) => {
    attach.reset();
    set(e.target.value);
  };

  return (
    <form onSubmit={submit} aria-label={`Attach ${addon.name}`} className="space-y-2">
      <h4 className="text-sm font-semibold text-slate-900">Attach to an app</h4>
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
        <Field
          label="App"
          placeholder={app}
          hint={`Empty: ${app}`}
          autoComplete="off"
          spellCheck={false}
          value={target}
          onChange={edit(setTarget)}
        />
        <Field
          label="As config var"
          placeholder={fallbackAs}
          hint={`Empty: ${fallbackAs}`}
          autoComplete="off"
          spellCheck={false}
          value={as}
          onChange={edit(setAs)}
        />
        <Button type="submit" className="sm:mt-6" disabled={attach.isPending}>
          {attach.isPending ? "Attaching…" : "Attach"}
        </Button>
      </div>
      {attach.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(attach.error)}
        </p>
      )}
    </form>
  );
}
