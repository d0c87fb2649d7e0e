export * from "./actor.ts";
export * from "./apps.ts";
export * from "./audit.ts";
export * from "./auth.ts";
export * from "./config.ts";
export * from "./jobs.ts";
export * from "./teams.ts";
export * from "./users.ts";
