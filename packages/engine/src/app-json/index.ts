// Heroku's app.json: read from an app's source, checked, and resolved into the config vars an
// app created from it starts with. Pure: no database, no HTTP; the caller provisions and deploys.
export { type AppJsonAddon, addonTypeFor } from "./addons.ts";
export { type ResolvedAppJsonEnv, resolveAppJsonEnv } from "./env.ts";
export { type AppJsonEnvVar, type AppJsonManifest, type AppJsonProcess, MAX_APP_JSON_BYTES, parseAppJson } from "./manifest.ts";
export { readAppJson } from "./read.ts";
export { InvalidAppJsonError } from "./shape.ts";
