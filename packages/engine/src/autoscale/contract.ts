// The API's shape of an app's autoscaling (REST, tRPC, CLI): policies and schedules as two lists,
// each naming its process type. The engine stores schedules on their process type's policy.
import type { AutoscaleMetric } from "@skypanel/db";
import { ValidationError } from "../errors.ts";
import type { AutoscalePolicyInput, ScheduleInput } from "./policy.ts";

export interface PolicyBody {
  process: string;
  enabled: boolean;
  min: number;
  max: number;
  metric: AutoscaleMetric;
  target?: number | null;
  stabilizationSeconds?: number;
}
export interface ScheduleBody {
  process: string;
  cron: string;
  timeZone: string;
  durationSeconds: number;
  min?: number | null;
  max?: number | null;
}
export interface AutoscaleBody {
  policies: PolicyBody[];
  schedules?: ScheduleBody[];
}

/** The body as one input per process type; a process named twice, or a schedule without its policy, is refused. */
export function inputsFromBody(body: AutoscaleBody): Map<string, AutoscalePolicyInput> {
  const inputs = new Map<string, AutoscalePolicyInput>();
  for (const p of body.policies) {
    if (inputs.has(p.process)) throw new ValidationError(`${p.process} has two policies; give one per process type.`);
    inputs.set(p.process, {
      enabled: p.enabled,
      minInstances: p.min,
      maxInstances: p.max,
      metric: p.metric,
      target: p.target ?? null,
      stabilizationSeconds: p.stabilizationSeconds,
      schedules: [],
    });
  }
  for (const s of body.schedules ?? []) {
    const policy = inputs.get(s.process);
    if (!policy) throw new ValidationError(`a schedule names ${s.process}, which has no policy in this request; add its policy too.`);
    const schedule: ScheduleInput = {
      cron: s.cron,
      timeZone: s.timeZone,
      durationSeconds: s.durationSeconds,
      minInstances: s.min ?? null,
      maxInstances: s.max ?? null,
    };
    policy.schedules?.push(schedule);
  }
  return inputs;
}
