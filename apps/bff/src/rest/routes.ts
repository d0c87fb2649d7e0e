// The REST face for scripts, the CLI and CI: each operation calls the same tRPC procedure the
// dashboard uses, so rules and errors are identical. Shapes here are a public contract, and
// GET /api/openapi.json documents every one of them (generated from the same declarations).
import { Hono } from "hono";
import { accountOperations } from "./accounts.ts";
import { addonOperations } from "./addons.ts";
import { adminOperations } from "./admin.ts";
import { alertOperations } from "./alerts.ts";
import { appOperations } from "./apps.ts";
import { auditOperations } from "./audit.ts";
import { autoscaleOperations } from "./autoscale.ts";
import { buildOperations } from "./builds.ts";
import { configOperations } from "./config.ts";
import { documentOperations } from "./document.ts";
import { domainOperations } from "./domains.ts";
import { drainOperations } from "./drains.ts";
import { egressOperations } from "./egress.ts";
import { importOperations } from "./imports.ts";
import { logOperations } from "./logs.ts";
import { maintenanceOperations } from "./maintenance.ts";
import { mfaOperations } from "./mfa.ts";
import { oneOffOperations } from "./one-offs.ts";
import { mountOperations, type Operation } from "./operation.ts";
import { pipelineOperations } from "./pipelines.ts";
import { platformBackupOperations } from "./platform-backups.ts";
import { prometheusOperations } from "./prometheus.ts";
import { errorBody } from "./respond.ts";
import { reviewAppOperations } from "./review-apps.ts";
import type { ContextFor } from "./route.ts";
import { runtimeOperations } from "./runtime.ts";
import { scheduleOperations } from "./schedules.ts";
import { sessionOperations } from "./sessions.ts";
import { traceOperations } from "./traces.ts";
import { trafficOperations } from "./traffic.ts";
import { vulnerabilityOperations } from "./vulnerabilities.ts";

/** Every REST operation; a new one is added here (and so is documented). */
export const operations: Operation[] = [
  ...accountOperations,
  ...mfaOperations,
  ...sessionOperations,
  ...appOperations,
  ...configOperations,
  ...buildOperations,
  ...vulnerabilityOperations,
  ...domainOperations,
  ...addonOperations,
  ...runtimeOperations,
  ...traceOperations,
  ...prometheusOperations,
  ...oneOffOperations,
  ...scheduleOperations,
  ...importOperations,
  ...pipelineOperations,
  ...reviewAppOperations,
  ...logOperations,
  ...drainOperations,
  ...egressOperations,
  ...trafficOperations,
  ...maintenanceOperations,
  ...alertOperations,
  ...autoscaleOperations,
  ...adminOperations,
  ...platformBackupOperations,
  ...auditOperations,
  ...documentOperations(() => operations),
];

export function restRoutes(contextFor: ContextFor) {
  const api = new Hono();
  mountOperations(api, operations, contextFor);
  api.all("*", (c) => c.json(errorBody("NOT_FOUND", `No API route ${c.req.method} ${c.req.path}.`), 404));
  return api;
}
