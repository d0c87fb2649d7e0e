// Rows whose jsonb columns the database types as unknown, typed as what the engine writes in
// them (the schemas in ../schemas say the same), so an answer is checked against its schema.
import type { AuditEntry, Deployment, Instance, Release } from "@skypanel/db";
import type { z } from "zod";
import type { deploymentSchema } from "../schemas/deployments.ts";
import type { releaseSchema } from "../schemas/releases.ts";

export const releaseView = (r: Release) => ({ ...r, configSnapshot: r.configSnapshot as z.input<typeof releaseSchema>["configSnapshot"] });

export const deploymentView = (d: Deployment) => ({
  ...d,
  steps: d.steps as z.input<typeof deploymentSchema>["steps"],
  options: d.options as Record<string, unknown>,
});

export const instanceView = (i: Instance) => ({ ...i, resourceUsage: i.resourceUsage as Record<string, unknown> });

export const auditEntryView = (a: AuditEntry) => ({ ...a, details: a.details as Record<string, unknown> });
