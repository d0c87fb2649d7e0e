// The plan in sentences, in the order a Heroku import runs its steps (progress.ts STEP_NAMES):
// app, config, addons, data, domains, build, deploy, formation, verify.
import type { ImportPlan } from "../types.ts";
import { pad } from "./addons-plan.ts";
import type { HerokuTransfer } from "./api-types.ts";

const TYPE_WORDS = { postgresql: "PostgreSQL", redis: "Redis" } as const;

export function planSentences(
  plan: Omit<ImportPlan, "creates">,
  backups: Map<string, HerokuTransfer>,
  gitDisplay: string | null,
  address: string,
): string[] {
  const out = [`Create the app "${plan.app.name}".`];

  const copied = plan.config.filter((c) => c.action === "copy").map((c) => c.key);
  const fromAddons = plan.config.length - copied.length;
  if (copied.length > 0) {
    const listed = copied.length <= 10 ? ` (${copied.join(", ")})` : "";
    const rest = fromAddons > 0 ? `; ${fromAddons} more come from the new add-ons instead` : "";
    out.push(`Set ${count(copied.length, "config var")} copied from Heroku${listed}${rest}.`);
  }

  for (const a of plan.addons)
    if (a.becomes !== null)
      out.push(`Create a ${TYPE_WORDS[a.becomes]} add-on in place of ${a.name}${a.as.length ? `, attached as ${a.as.join(", ")}` : ""}.`);
  for (const a of plan.addons) {
    const backup = backups.get(a.name);
    if (a.data === "backup" && backup) out.push(`Restore ${a.name}'s data from Heroku backup b${pad(backup.num)}.`);
  }

  const added = plan.domains.filter((d) => d.action === "add").map((d) => d.hostname);
  if (added.length === 1) out.push(`Add the domain ${added[0]} (then point its DNS here).`);
  if (added.length > 1) out.push(`Add the domains ${added.join(", ")} (then point their DNS here).`);

  const s = plan.source;
  if (s.kind === "slug") {
    const release = plan.heroku.release === null ? "" : ` of release v${plan.heroku.release}`;
    const dropped = s.dropped.length ? ` (build output such as ${s.dropped.join(", ")} left out and rebuilt)` : "";
    out.push(`Build from Heroku's slug${release}${dropped}.`);
  } else out.push(`Build from ${gitDisplay ?? s.url}${s.ref ? ` at ${s.ref}` : ""}.`);
  out.push("Deploy the build.");

  const running = plan.processes.filter((p) => p.quantity > 0);
  out.push(
    running.length > 0
      ? `Scale ${running.map((p) => `${p.type}=${p.quantity}`).join(" ")}.`
      : "Scale nothing: every process type runs 0 dynos on Heroku.",
  );
  out.push(
    running.some((p) => p.type === "web")
      ? `Verify the app answers at ${address}.`
      : "Verify the build and release succeeded (no web process, so no address to try).",
  );
  return out;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
