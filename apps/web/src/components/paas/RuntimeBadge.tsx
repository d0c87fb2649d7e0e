import { cx } from "../../lib/cx.ts";

type Kind = "deployment" | "instance" | "health";
type Tone = "slate" | "amber" | "green" | "red";

const TONES: Record<Tone, string> = {
  slate: "bg-slate-100 text-slate-700 ring-slate-500/30",
  amber: "bg-amber-100 text-amber-900 ring-amber-600/30",
  green: "bg-green-100 text-green-800 ring-green-600/30",
  red: "bg-red-100 text-red-800 ring-red-600/30",
};

// "running" is work in progress for a deployment and the good state for an instance.
const TONE_OF: Record<Kind, Record<string, Tone>> = {
  deployment: { running: "amber", succeeded: "green", failed: "red", rolled_back: "red" },
  instance: { starting: "amber", running: "green", failed: "red" },
  health: { healthy: "green", unhealthy: "red" },
};

const LABEL: Record<Kind, string> = { deployment: "Deployment status", instance: "Instance status", health: "Health" };

/** The state of a deployment, an instance or its health; work in progress has a pulsing dot. */
export function RuntimeBadge({ kind, value }: { kind: Kind; value: string }) {
  const tone = TONE_OF[kind][value] ?? "slate";
  return (
    <span
      data-testid={`${kind}-status`}
      data-status={value}
      className={cx(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONES[tone],
      )}
    >
      {tone === "amber" && <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-amber-600" />}
      <span className="sr-only">{LABEL[kind]}: </span>
      {value.replace("_", " ")}
    </span>
  );
}
