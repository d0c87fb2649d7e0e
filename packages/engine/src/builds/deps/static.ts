import { STATIC_SERVER } from "../../detect/index.ts";
import type { BuildPlan } from "../../detect/plan.ts";

// Detection's default web command for a static site, which names Caddy's file server.
const CADDY_DEFAULT = /^caddy file-server --root (\S+) --listen :\$PORT$/;

/**
 * The static buildpack's plan: the site is served by SkyPanel's own zero-dependency file
 * server from the artifact, not by a Caddy the host may not have. A Procfile's web stays.
 */
export function staticPlan(plan: BuildPlan): BuildPlan {
  const site = CADDY_DEFAULT.exec(plan.processes.web ?? "")?.[1];
  if (site === undefined) return plan;
  const web = `node ${STATIC_SERVER} ${site}`;
  const reasons = plan.reasons.map((r) =>
    r.topic === "start" && r.reason.startsWith("caddy file-server")
      ? {
          topic: "start",
          reason: `${web}: SkyPanel's static file server serves ${site === "." ? "the top directory" : `${site}/`} as it is.`,
        }
      : r,
  );
  return { ...plan, processes: { ...plan.processes, web }, reasons };
}
