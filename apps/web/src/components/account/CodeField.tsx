import type { InputHTMLAttributes } from "react";
import { Field } from "../ui/Field.tsx";

/** One input for an authenticator's 6-digit code, as password managers and phones expect it. */
export function CodeField({
  label = "Code from your authenticator app",
  recovery = false,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label?: string; recovery?: boolean }) {
  return (
    <Field
      label={label}
      autoComplete={recovery ? "off" : "one-time-code"}
      inputMode={recovery ? "text" : "numeric"}
      pattern={recovery ? undefined : "[0-9]*"}
      maxLength={recovery ? 19 : 6}
      spellCheck={false}
      {...input}
    />
  );
}
