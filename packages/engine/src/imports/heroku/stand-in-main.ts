// STAND-IN for Heroku as a process of its own, for browser tests:
//   node --import tsx packages/engine/src/imports/heroku/stand-in-main.ts --port N --model model.json
// Prints one "listening <url>" line when ready; stops on SIGTERM or SIGINT. File paths in the
// model (slugs, backups) are read relative to the model file.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type HerokuStandInModel, startHerokuStandIn } from "./stand-in.ts";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" }, model: { type: "string" } } });
if (!values.model) {
  process.stderr.write("usage: stand-in-main.ts --port N --model model.json\n");
  process.exit(2);
}
const modelPath = resolve(values.model);
const model = JSON.parse(readFileSync(modelPath, "utf8")) as HerokuStandInModel;
const here = (file: string) => resolve(dirname(modelPath), file);
for (const app of model.apps) {
  if (app.slug) app.slug.file = here(app.slug.file);
  for (const backup of app.backups) backup.file = here(backup.file);
}

const standIn = await startHerokuStandIn(model, { port: Number(values.port) });
process.stdout.write(`Heroku stand-in listening ${standIn.url}\n`);
const stop = () => {
  void standIn.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
