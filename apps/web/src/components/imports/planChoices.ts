import type { HerokuPlanInput, ImportPlan } from "../../hooks/useImports.ts";

/** What the user chose about the import; each change reads the plan again. */
export interface PlanChoices {
  /** The SkyPanel app's name; null leaves it to the plan (the Heroku app's). */
  name: string | null;
  source: "slug" | "git";
  gitUrl: string;
  gitRef: string;
  /** The PostgreSQL add-ons whose data comes along; null leaves it to the plan (those with a backup). */
  addonData: string[] | null;
}

export const DEFAULT_CHOICES: PlanChoices = { name: null, source: "slug", gitUrl: "", gitRef: "", addonData: null };

/** The plan's input for these choices; null while a git source has no URL yet. Blank fields are left out. */
export function planInput(herokuApp: string, herokuToken: string, c: PlanChoices): HerokuPlanInput | null {
  if (c.source === "git" && !c.gitUrl.trim()) return null;
  const name = c.name?.trim();
  return {
    herokuApp,
    herokuToken,
    ...(name ? { name } : {}),
    ...(c.source === "git" ? { source: { kind: "git", url: c.gitUrl.trim(), ...(c.gitRef.trim() ? { ref: c.gitRef.trim() } : {}) } } : {}),
    ...(c.addonData ? { addonData: c.addonData } : {}),
  };
}

/** The add-ons whose data the user can choose to bring: PostgreSQL only (Heroku offers no Redis backup). */
export const dataAddons = (plan: ImportPlan) => plan.addons.filter((a) => a.becomes === "postgresql");

/** Whether `addon`'s data comes along: as chosen, else as the plan says (default: those with a backup). */
export function bringsData(plan: ImportPlan, c: PlanChoices, addon: string): boolean {
  if (c.addonData) return c.addonData.includes(addon);
  return plan.addons.find((a) => a.name === addon)?.data === "backup";
}

/** The choices after ticking or unticking `addon`'s data. */
export function toggleData(plan: ImportPlan, c: PlanChoices, addon: string, bring: boolean): PlanChoices {
  const now = dataAddons(plan)
    .map((a) => a.name)
    .filter((name) => (name === addon ? bring : bringsData(plan, c, name)));
  return { ...c, addonData: now };
}
