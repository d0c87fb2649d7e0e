import { useState } from "react";
import { Button } from "../ui/Button.tsx";

/** Recovery codes, shown once: each signs in once when the authenticator is lost. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="recovery-codes">
      <p className="font-medium text-amber-900">
        Save these recovery codes somewhere safe. Each works once, when you cannot use your authenticator. They will not be shown again.
      </p>
      <ol aria-label="Recovery codes" className="mt-3 grid grid-cols-2 gap-1 font-mono text-slate-900">
        {codes.map((code) => (
          <li key={code} className="rounded bg-white px-2 py-1">
            {code}
          </li>
        ))}
      </ol>
      <div className="mt-3 flex gap-2">
        <Button
          onClick={() =>
            navigator.clipboard?.writeText(codes.join("\n")).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy codes"}
        </Button>
        <Button variant="primary" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
