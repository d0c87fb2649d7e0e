// A build's vulnerability scan and the team policy that can block its deploy.
import { buildVulnerabilities, buildVulnerabilityScans } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";

/** Why a build with critical findings is deployed anyway: written to the audit log. */
export const overrideReason = z
  .string()
  .trim()
  .min(1, "An override reason says why this build may be deployed anyway; it cannot be empty.")
  .max(500, "An override reason is at most 500 characters.")
  .meta({ description: "Deploy even though the team blocks critical vulnerability findings; written to the audit log." });

export const vulnerabilityScanSchema = createSelectSchema(buildVulnerabilityScans)
  .omit({ buildId: true })
  .strict()
  .meta({ id: "VulnerabilityScan", description: "One ecosystem's scan: clean, findings, or not_checked with the reason." });

export const vulnerabilitySchema = createSelectSchema(buildVulnerabilities)
  .omit({ buildId: true })
  .strict()
  .meta({ id: "Vulnerability", description: "An advisory affecting a locked package version; severity null when the source rates none." });

export const vulnerabilityReportSchema = z
  .strictObject({
    scanned: z.boolean().meta({ description: "False for a build that was never scanned (older, running, or failed before)." }),
    counts: z.strictObject({
      critical: z.number().int(),
      high: z.number().int(),
      moderate: z.number().int(),
      low: z.number().int(),
      unrated: z.number().int(),
    }),
    scans: z.array(vulnerabilityScanSchema),
    findings: z.array(vulnerabilitySchema),
  })
  .meta({ id: "VulnerabilityReport" });

export const teamDeployPolicyInput = z.object({ teamId: z.string().max(64), blockCriticalDeploys: z.boolean() });
export const teamDeployPolicySchema = z
  .strictObject({ teamId: z.string(), blockCriticalDeploys: z.boolean() })
  .meta({ id: "TeamDeployPolicy" });
