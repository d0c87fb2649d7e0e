// Imports: apps brought in whole, from Heroku, from another SkyPanel's export, or from app.json.
export { DEFAULT_HEROKU, type HerokuSettings } from "./heroku-run.ts";
export { type HerokuImportInput, ImportNotFoundError, type Imports } from "./service.ts";
export * from "./types.ts";
