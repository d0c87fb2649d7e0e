// @ts-check
// The GitHub Action's entry point: deploys `path` to `app` with the CLI's own deploy module.
import { resolve } from "node:path";
import { Api } from "../src/api.js";
import { deployDirectory } from "../src/deploy.js";
import { escapeData, getInput, readInputs, writeOutputs } from "./inputs.js";

const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

async function main() {
  // Mask first, so no later line (an error echoing a header) can show the key.
  const key = getInput(process.env, "api-key");
  if (key) log(`::add-mask::${escapeData(key)}`);
  const inputs = readInputs(process.env);
  const dir = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), inputs.path);
  log(`Deploying ${dir} to ${inputs.app} on ${inputs.url} (${inputs.strategy})`);
  log("::group::Build log");
  let grouped = true;
  const endGroup = () => {
    if (grouped) log("::endgroup::");
    grouped = false;
  };
  try {
    const result = await deployDirectory({
      api: new Api(inputs.url, inputs.apiKey),
      app: inputs.app,
      dir,
      strategy: inputs.strategy,
      wait: inputs.wait,
      report: {
        status: (text) => log(text),
        log: (line) => log(line),
      },
    });
    endGroup();
    writeOutputs(process.env.GITHUB_OUTPUT, {
      release: result.release ? `v${result.release.version}` : "",
      "build-id": result.build.id,
      url: result.url ?? "",
    });
    log(
      result.release ? `Deployed ${inputs.app} v${result.release.version}${result.url ? ` at ${result.url}` : ""}` : "Deployment queued.",
    );
  } finally {
    endGroup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`::error::${escapeData(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
