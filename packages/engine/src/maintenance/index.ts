// Per-app maintenance mode: the router answers the app's hostnames with 503, Retry-After and a
// page, while its instances, one-offs and scheduled jobs keep running.

export { type AppMaintenanceService, createAppMaintenance, type MaintenanceView, routeMaintenanceByApp } from "./service.ts";
export { checkMaintenancePage, checkRetryAfter, MAINTENANCE_BOUNDS, MAINTENANCE_OFF, type MaintenanceSettings } from "./settings.ts";
