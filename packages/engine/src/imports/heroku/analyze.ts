// Reads a Heroku app and says what importing it would make: the plan the user reads before
// anything is made. Only keys, names and counts go into the plan, never a config value.
import { checkAppName } from "../../apps/index.ts";
import { checkConfigKey, MAX_VALUE_BYTES } from "../../config-vars/rules.ts";
import { InvalidAppNameError, ValidationError } from "../../errors.ts";
import { checkGitRef, checkGitUrl } from "../../sources/index.ts";
import type { ImportPlan, PlannedDomain, PlannedProcess, PlannedSource } from "../types.ts";
import { planAddons } from "./addons-plan.ts";
import type { HerokuApp, HerokuBuildpackInstallation, HerokuDomain, HerokuFormation, HerokuRelease, HerokuSlug } from "./api-types.ts";
import type { HerokuClient } from "./client.ts";
import { planSentences } from "./plan-sentences.ts";
import { DROPPED_BUILD_OUTPUT } from "./slug.ts";

export interface AnalyzeOptions {
  /** The SkyPanel app's name; default the Heroku app's. */
  name?: string;
  /** Where the code comes from; default the current release's slug. */
  source?: { kind: "git"; url: string; ref?: string | null } | { kind: "slug" };
  /** Heroku add-on names whose data to bring; default every heroku-postgresql add-on. */
  addonData?: string[];
  /** Apps are served at `<name>.<baseDomain>`. */
  baseDomain: string;
  /** Accept file:// and local paths as git URLs (tests, a single-machine install). */
  allowLocalGit?: boolean;
}

export async function analyzeHerokuApp(client: HerokuClient, herokuApp: string, opts: AnalyzeOptions): Promise<ImportPlan> {
  // The app first and alone: an unknown name or a refused token fails once, clearly.
  const app = await client.app(herokuApp);
  const name = appName(opts.name, app.name);
  const git = opts.source?.kind === "git" ? checkGit(opts.source, opts.allowLocalGit ?? false) : null;
  const [buildpacks, formation, config, addons, attachments, domains, release] = await Promise.all([
    client.buildpacks(app.name),
    client.formation(app.name),
    client.configVars(app.name),
    client.addons(app.name),
    client.attachments(app.name),
    client.domains(app.name),
    client.currentRelease(app.name),
  ]);
  // The slug is read even when building from git: its Procfile commands describe the processes.
  const slugId = release?.slug?.id ?? null;
  const slug = slugId === null ? null : await client.slug(app.name, slugId);
  const source = git?.source ?? (slug ? slugSource(slug, buildpacks) : null);
  if (source === null) throw noSlug(app, release);
  const addonsPlan = await planAddons(client, app.name, { addons, attachments, config }, opts.addonData);
  const uncopyable = uncopyableVars(addonsPlan.config, config);
  const address = `${name}.${opts.baseDomain}`;

  const plan: Omit<ImportPlan, "creates"> = {
    heroku: {
      id: app.id,
      name: app.name,
      stack: app.stack.name,
      region: app.region?.name ?? null,
      buildpacks: buildpacks.map(buildpackName),
      release: release?.version ?? null,
    },
    app: { name },
    processes: processes(formation, slug),
    config: addonsPlan.config.filter((c) => !uncopyable.some((u) => u.key === c.key)),
    addons: addonsPlan.addons,
    domains: domains.map((d) => plannedDomain(d, address)).sort((a, b) => a.hostname.localeCompare(b.hostname)),
    source,
    unsupported: [
      ...addonsPlan.unsupported,
      ...uncopyable.map((u) => ({ what: `config var ${u.key}`, why: u.why })),
      ...buildpackGaps(buildpacks),
      ...certificateGaps(domains),
    ],
  };
  return { ...plan, creates: planSentences(plan, addonsPlan.backups, git?.display ?? null, address) };
}

/**
 * Vars to copy that SkyPanel would refuse (Heroku allows names like `my.var`; SkyPanel's are
 * POSIX, and a value is at most 32 KiB): left out of the plan, and said why, rather than failing
 * the import half-way. The why names the key only.
 */
function uncopyableVars(planned: ImportPlan["config"], values: Record<string, string | null>): { key: string; why: string }[] {
  const out: { key: string; why: string }[] = [];
  for (const c of planned) {
    if (c.action !== "copy") continue;
    try {
      checkConfigKey(c.key);
    } catch {
      out.push({ key: c.key, why: "Its name is not a POSIX variable name, which SkyPanel needs; rename it and set it by hand." });
      continue;
    }
    if (Buffer.byteLength(values[c.key] ?? "", "utf8") > MAX_VALUE_BYTES)
      out.push({
        key: c.key,
        why: `Its value is larger than SkyPanel's ${MAX_VALUE_BYTES / 1024} KiB limit; keep it in a file or a store instead.`,
      });
  }
  return out;
}

/** The given name, else Heroku's, by SkyPanel's rule (stricter than Heroku's: no reserved words, no "--"). */
function appName(given: string | undefined, herokuName: string): string {
  if (given !== undefined) return checkAppName(given);
  try {
    return checkAppName(herokuName);
  } catch (err) {
    if (!(err instanceof InvalidAppNameError)) throw err;
    throw new InvalidAppNameError(
      `The Heroku app's name "${herokuName}" cannot be a SkyPanel app name: ${err.message} Give the app another name to import it under.`,
      err.details,
    );
  }
}

/** A git URL goes into the plan, which is kept and shown: one carrying a password or token is refused. */
function checkGit(source: { url: string; ref?: string | null }, allowLocal: boolean) {
  const remote = checkGitUrl(source.url, allowLocal);
  if (remote.secret !== null && (remote.secret.includes(":") || /^https?:/i.test(source.url)))
    throw new ValidationError(
      `Give the git URL without a user name or token in it (${remote.display}): the import's plan is kept and shown to the team.`,
    );
  const ref = source.ref ? checkGitRef(source.ref) : null;
  return { display: remote.display, source: { kind: "git", url: source.url, ref } satisfies PlannedSource };
}

function noSlug(app: HerokuApp, release: HerokuRelease | null): ValidationError {
  const why =
    release === null
      ? "it has never been released"
      : `its current release v${release.version} has none${app.stack.name === "container" ? " (apps built from a Dockerfile have no slug)" : ""}`;
  return new ValidationError(
    `The Heroku app "${app.name}" has no slug to import: ${why}. Give the URL of its git repository to build from instead.`,
  );
}

function slugSource(slug: HerokuSlug, buildpacks: HerokuBuildpackInstallation[]): PlannedSource {
  // Go's vendor/ is source and stays (slug.ts checks vendor/modules.txt once the slug is read).
  const go = buildpacks.some((b) => /(^heroku\/go|\/heroku-buildpack-go(\.git)?|\/heroku\/go\.tgz)$/.test(buildpackName(b)));
  const dropped = DROPPED_BUILD_OUTPUT.filter((p) => !(go && p === "vendor"));
  return { kind: "slug", slugId: slug.id, bytes: slug.size, commit: slug.commit, dropped };
}

/** Formation order, web first; the slug's Procfile commands when the formation has none. */
function processes(formation: HerokuFormation[], slug: HerokuSlug | null): PlannedProcess[] {
  return formation
    .map((f) => ({ type: f.type, quantity: f.quantity, size: f.size, command: slug?.process_types?.[f.type] ?? f.command ?? null }))
    .sort((a, b) => Number(b.type === "web") - Number(a.type === "web") || a.type.localeCompare(b.type));
}

function plannedDomain(d: HerokuDomain, address: string): PlannedDomain {
  if (d.kind === "heroku" || d.hostname.toLowerCase().endsWith(".herokuapp.com"))
    return { hostname: d.hostname, action: "skip", note: `Heroku's own address; the app gets ${address} instead.` };
  const now = d.cname ? ` (its DNS now points at ${d.cname})` : "";
  return {
    hostname: d.hostname,
    action: "add",
    note: `Added to the app; it keeps being served by Heroku until its DNS is changed to point here${now}.`,
  };
}

function buildpackName(b: HerokuBuildpackInstallation): string {
  return b.buildpack.name ?? b.buildpack.url;
}

// Heroku's language buildpacks do what SkyPanel's detection does; what any other one adds is lost.
const LANGUAGES = "(nodejs|ruby|python|java|php|go|scala|clojure|gradle)";
const OFFICIAL = [
  new RegExp(`^heroku/${LANGUAGES}$`),
  new RegExp(`^https://github\\.com/heroku/heroku-buildpack-${LANGUAGES}(\\.git)?$`),
  new RegExp(`^https://buildpack-registry\\.s3\\.amazonaws\\.com/buildpacks/heroku/${LANGUAGES}\\.tgz$`),
];

function buildpackGaps(buildpacks: HerokuBuildpackInstallation[]): { what: string; why: string }[] {
  const official = (b: HerokuBuildpackInstallation) => OFFICIAL.some((re) => re.test(buildpackName(b)) || re.test(b.buildpack.url));
  return buildpacks
    .filter((b) => !official(b))
    .map((b) => ({
      what: `buildpack ${buildpackName(b)}`,
      why: "SkyPanel detects how to build the app itself and runs no Heroku buildpacks; what this one adds to the build is not repeated.",
    }));
}

/** A certificate uploaded to Heroku cannot come along: Heroku never gives out its private key. */
function certificateGaps(domains: HerokuDomain[]): { what: string; why: string }[] {
  return domains
    .filter((d) => d.kind === "custom" && d.sni_endpoint)
    .map((d) => ({
      what: `TLS certificate for ${d.hostname}`,
      why: "It was uploaded to Heroku, which never gives out its private key; SkyPanel gets a certificate of its own once the DNS points here.",
    }));
}
