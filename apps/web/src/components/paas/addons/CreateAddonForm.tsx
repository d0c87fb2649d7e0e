import { type FormEvent, useState } from "react";
import { useCreateAddon } from "../../../hooks/useAddons.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { ADDON_TYPES, type AddonTypeName } from "./addonTypes.ts";

/** Makes a new add-on for the app and sets its URL as a config var (a new release). */
export function CreateAddonForm({ app }: { app: string }) {
  const [type, setType] = useState<AddonTypeName>("postgresql");
  const [plan, setPlan] = useState("hobby");
  const [as, setAs] = useState("");
  const create = useCreateAddon();
  const offer = ADDON_TYPES[type];

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ app, type, plan, ...(as.trim() ? { as: as.trim() } : {}) }, { onSuccess: () => setAs("") });
  }

  return (
    <form onSubmit={submit} aria-label="Create an add-on" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold text-slate-900">Create an add-on</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Type"
          value={type}
          onChange={(e) => {
            create.reset();
            setType(e.target.value as AddonTypeName);
            setPlan("hobby");
          }}
        >
          {Object.entries(ADDON_TYPES).map(([id, t]) => (
            <option key={id} value={id}>
              {t.label}
            </option>
          ))}
        </SelectField>
        <SelectField label="Plan" value={plan} onChange={(e) => setPlan(e.target.value)}>
          {offer.plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <Field
          label="Config var"
          placeholder={offer.defaultAs}
          hint={`Empty: ${offer.defaultAs}`}
          autoComplete="off"
          spellCheck={false}
          value={as}
          onChange={(e) => {
            create.reset();
            setAs(e.target.value);
          }}
        />
      </div>
      {create.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(create.error)}
        </p>
      )}
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? `Creating the ${offer.label} add-on…` : "Create add-on"}
        </Button>
      </div>
    </form>
  );
}
