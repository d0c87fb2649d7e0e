import type { ReactNode } from "react";
import { Field } from "./Field.tsx";

/**
 * The field a user types a name into before something that cannot be undone (delete, destroy,
 * replace data, transfer): the caller enables its button only once `value === name`.
 */
export function TypeToConfirm({
  name,
  value,
  onChange,
  lead = "Type",
  tail = "to confirm",
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  lead?: ReactNode;
  tail?: ReactNode;
}) {
  return (
    <Field
      label={
        <>
          {lead} <span className="font-mono">{name}</span>
          {tail ? <> {tail}</> : null}
        </>
      }
      autoComplete="off"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
