import { useId } from "react";
import { SelectField } from "../ui/Field.tsx";
import { type DeployStrategy, STRATEGIES } from "./deployments.ts";

export type Strategy = DeployStrategy;

/** How a deployment replaces the running instances, with a line saying what the chosen way does. */
export function StrategySelect({
  value,
  onChange,
  disabled,
  className,
}: {
  value: Strategy;
  onChange: (strategy: Strategy) => void;
  disabled?: boolean;
  className?: string;
}) {
  const hintId = useId();
  const about = STRATEGIES[value];
  return (
    <div className={className}>
      <SelectField
        label="Strategy"
        value={value}
        onChange={(e) => onChange(e.target.value as Strategy)}
        disabled={disabled}
        aria-describedby={hintId}
      >
        {Object.entries(STRATEGIES).map(([strategy, { label }]) => (
          <option key={strategy} value={strategy}>
            {label}
          </option>
        ))}
      </SelectField>
      <p id={hintId} className="mt-1 text-xs text-slate-600">
        {about.label}: {about.hint}.
      </p>
    </div>
  );
}
