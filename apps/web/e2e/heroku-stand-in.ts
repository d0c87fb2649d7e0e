// The Heroku STAND-IN the browser tests import from (Heroku is not reachable here): started by
// playwright.config.ts with the notes app of packages/engine/src/imports/testing.ts.
export const HEROKU_STAND_IN_PORT = 3313;
/** The token the stand-in takes; any other is refused as Heroku refuses one. */
export const HEROKU_STAND_IN_TOKEN = "HRKU-e2e-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
/** The Heroku app with config, web and worker, a PostgreSQL add-on with a backup, and a custom domain. */
export const HEROKU_APP = "notes-on-heroku";
