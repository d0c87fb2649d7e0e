// @ts-check
// builds:vulnerabilities: what a build's dependency scan found; teams:deploy-policy: whether a
// team refuses deploys of builds with critical findings (deploy --override-reason gets one through).
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

const SEVERITIES = ["critical", "high", "moderate", "low", "unrated"];

/** A build's scan (default: the newest build): counts, each ecosystem's result, the findings. */
export async function buildVulnerabilities(/** @type {Context} */ ctx) {
  if (ctx.args.length > 1) throw new UsageError("builds:vulnerabilities takes at most one build (its id or #number).");
  const app = ctx.app();
  const api = ctx.api();
  const build = await findBuild(api, app, ctx.args[0]);
  const report = await api.get(`${appPath(app)}/builds/${build.id}/vulnerabilities`);
  if (ctx.flags.json) return ctx.out.json(report);
  const { out } = ctx;
  out.heading(`${app} build #${build.number} vulnerabilities`);
  if (!report.scanned) return out.line("Not scanned (the build is still running, ended before its scan, or was made before scanning).");
  out.line(
    SEVERITIES.filter((s) => s !== "unrated" || report.counts.unrated > 0)
      .map((s) => `${report.counts[s]} ${s}`)
      .join(", "),
  );
  for (const s of report.scans) {
    const what = s.lockfile ? `${s.ecosystem} (${s.lockfile}, ${s.packages} packages)` : s.ecosystem;
    out.line(s.status === "not_checked" ? `${what}: not checked: ${s.reason}` : `${what}: ${s.status}${s.reason ? ` (${s.reason})` : ""}`);
  }
  if (report.findings.length === 0) return;
  out.line();
  out.table(
    report.findings.map((/** @type {any} */ f) => ({ ...f, severity: f.severity ?? "unrated", pkg: `${f.package}@${f.version}` })),
    [
      ["severity", "Severity"],
      ["pkg", "Package"],
      ["advisoryId", "Advisory"],
      ["fixedIn", "Fixed in"],
      ["title", "Title"],
    ],
  );
}

/** @param {import("../api.js").Api} api @param {string} app @param {string | undefined} ref */
async function findBuild(api, app, ref) {
  if (ref && !/^#?\d{1,9}$/.test(ref)) return api.get(`${appPath(app)}/builds/${encodeURIComponent(ref)}`);
  const { builds } = await api.get(`${appPath(app)}/builds`, ref ? { limit: "100" } : { limit: "1" });
  const build = ref ? builds.find((/** @type {any} */ b) => b.number === Number(ref.replace("#", ""))) : builds[0];
  if (!build) throw new UsageError(ref ? `${app} has no build ${ref} among its newest 100.` : `${app} has no builds yet.`);
  return build;
}

/** Shows a team's policy, or sets it with --block-critical on|off (owners and admins). */
export async function deployPolicy(/** @type {Context} */ ctx) {
  if (ctx.args.length !== 1) throw new UsageError("teams:deploy-policy takes the team's name or id.");
  const block = ctx.str("block-critical");
  if (block !== undefined && block !== "on" && block !== "off") throw new UsageError("--block-critical is on or off.");
  const api = ctx.api();
  const team = await findTeam(api, /** @type {string} */ (ctx.args[0]));
  const path = `/teams/${encodeURIComponent(team.id)}/deploy-policy`;
  const policy = block === undefined ? await api.get(path) : await api.put(path, { blockCriticalDeploys: block === "on" });
  if (ctx.flags.json) return ctx.out.json(policy);
  ctx.out.line(
    policy.blockCriticalDeploys
      ? `${team.name}: deploys of builds with critical vulnerability findings are refused (skypanel deploy --override-reason "…" gets one through, audited).`
      : `${team.name}: builds with critical vulnerability findings deploy like any other.`,
  );
}

/** @param {import("../api.js").Api} api @param {string} ref */
async function findTeam(api, ref) {
  const { teams } = await api.get("/teams");
  const team = teams.find((/** @type {any} */ t) => t.id === ref || t.name === ref);
  if (!team) throw new UsageError(`You are in no team named or with id "${ref}".`);
  return team;
}
