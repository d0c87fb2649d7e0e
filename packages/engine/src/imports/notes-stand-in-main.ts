// The Heroku STAND-IN with the notes app of testing.ts, as a process of its own for the browser
// tests (Heroku is not reachable from here):
//   node --import tsx packages/engine/src/imports/notes-stand-in-main.ts --port N --dir DIR --token T
// Makes the slug and a pg_dump (on SKYPANEL_TEST_PG_URL's server) under DIR, prints one
// "listening" line, and stops on SIGTERM or SIGINT.
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import { startHerokuStandIn } from "./heroku/stand-in.ts";
import { notesOnHeroku } from "./testing.ts";

const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, dir: { type: "string" }, token: { type: "string" }, app: { type: "string" } },
});
if (!values.dir || !values.token) {
  process.stderr.write("usage: notes-stand-in-main.ts --port N --dir DIR --token TOKEN [--app NAME]\n");
  process.exit(2);
}
const dir = values.dir;
rmSync(dir, { recursive: true, force: true });
const heroku = notesOnHeroku(dir, TEST_PG_ADMIN_URL, values.app ?? "notes-on-heroku", values.token);
const standIn = await startHerokuStandIn(heroku.model, { port: Number(values.port) });
process.stdout.write(`Heroku stand-in (notes app) listening ${standIn.url}\n`);
const stop = () => {
  void standIn.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
