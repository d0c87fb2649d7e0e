import { router } from "../trpc.ts";
import { addonsRouter } from "./addons.ts";
import { adminRouter } from "./admin.ts";
import { alertsRouter } from "./alerts.ts";
import { appsRouter } from "./apps.ts";
import { auditRouter } from "./audit.ts";
import { authRouter } from "./auth.ts";
import { autoscaleRouter } from "./autoscale.ts";
import { buildsRouter } from "./builds.ts";
import { configRouter } from "./config.ts";
import { deploymentsRouter } from "./deployments.ts";
import { domainsRouter } from "./domains.ts";
import { drainsRouter } from "./drains.ts";
import { egressRouter } from "./egress.ts";
import { eventsRouter } from "./events.ts";
import { formationRouter } from "./formation.ts";
import { importsRouter } from "./imports.ts";
import { logsRouter } from "./logs.ts";
import { maintenanceRouter } from "./maintenance.ts";
import { metricsRouter } from "./metrics.ts";
import { mfaRouter } from "./mfa.ts";
import { oneOffsRouter } from "./one-offs.ts";
import { pipelinesRouter } from "./pipelines.ts";
import { platformBackupsRouter } from "./platform-backups.ts";
import { releasesRouter } from "./releases.ts";
import { reviewAppsRouter } from "./review-apps.ts";
import { schedulesRouter } from "./schedules.ts";
import { sessionsRouter } from "./sessions.ts";
import { teamsRouter } from "./teams.ts";
import { tokensRouter } from "./tokens.ts";
import { tracesRouter } from "./traces.ts";
import { trafficRouter } from "./traffic.ts";
import { usersRouter } from "./users.ts";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  mfa: mfaRouter,
  sessions: sessionsRouter,
  teams: teamsRouter,
  apps: appsRouter,
  config: configRouter,
  builds: buildsRouter,
  admin: adminRouter,
  platformBackups: platformBackupsRouter,
  releases: releasesRouter,
  formation: formationRouter,
  autoscale: autoscaleRouter,
  alerts: alertsRouter,
  domains: domainsRouter,
  addons: addonsRouter,
  logs: logsRouter,
  drains: drainsRouter,
  egress: egressRouter,
  metrics: metricsRouter,
  deployments: deploymentsRouter,
  oneOffs: oneOffsRouter,
  schedules: schedulesRouter,
  imports: importsRouter,
  pipelines: pipelinesRouter,
  reviewApps: reviewAppsRouter,
  audit: auditRouter,
  events: eventsRouter,
  traces: tracesRouter,
  traffic: trafficRouter,
  maintenance: maintenanceRouter,
});

export type AppRouter = typeof appRouter;
