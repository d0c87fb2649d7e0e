// Runs Schemathesis (PyPI; installed by scripts/lib/require.sh's require_schemathesis) against
// the platform's own OpenAPI document, for the REST contract test.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ContractData } from "./contract-data.ts";

/** The version require.sh pins, so the default venv path is spelled in one place. */
const PINNED = /^SCHEMATHESIS_VERSION=(\S+)$/m.exec(
  readFileSync(join(import.meta.dirname, "../../../../scripts/lib/require.sh"), "utf8"),
)?.[1];

export function schemathesisBinary(): string {
  // Tests are their own config module: scripts/test.sh sets this after installing the venv.
  const venv = process.env.SKYPANEL_SCHEMATHESIS_VENV ?? `/var/cache/skypanel/schemathesis-${PINNED}`;
  const bin = join(venv, "bin", "st");
  if (!existsSync(bin)) {
    throw new Error(
      `Schemathesis ${PINNED} is not installed at ${venv} (SKYPANEL_SCHEMATHESIS_VENV). Install it with: ` +
        `bash -c 'source scripts/lib/require.sh && require_schemathesis' (as root), or run scripts/test.sh.`,
    );
  }
  return bin;
}

const toml = (value: string) => JSON.stringify(value);
const dictionary = (values: string[]) => `{ values = [${values.map(toml).join(", ")}] }`;
const fixed = (operationId: string, parameters: Record<string, string>) =>
  `[[operations]]\ninclude-operation-id = ${toml(operationId)}\nparameters = { ${Object.entries(parameters)
    .map(([k, v]) => `${toml(k)} = ${toml(v)}`)
    .join(", ")} }\n`;
const drawn = (operationId: string, parameter: string, from: string) =>
  `[[operations]]\ninclude-operation-id = ${toml(operationId)}\nparameters = { ${toml(parameter)} = { dictionary = ${toml(from)}, probability = 0.8 } }\n`;

/**
 * Path parameters are drawn mostly from the data that exists, so operations answer with their
 * real shapes and not only 404s; destructive operations get things made to be lost.
 */
export function schemathesisConfig(d: ContractData, token: string): string {
  return [
    `headers = { Authorization = ${toml(`Bearer ${token}`)} }`,
    // A Server-Sent Events answer is read until it ends or this timeout, then checked as far as it got.
    "request-timeout = 3",
    `[dictionaries]`,
    `apps = ${dictionary([d.app])}`,
    `pipelines = ${dictionary([d.pipeline])}`,
    `builds = ${dictionary(d.buildIds)}`,
    `releases = ${dictionary(d.releaseRefs)}`,
    `deployments = ${dictionary([d.deploymentId])}`,
    `domains = ${dictionary([d.domain])}`,
    `keys = ${dictionary(d.configKeys)}`,
    `[parameters]`,
    `"path.app" = { dictionary = "apps", probability = 0.8 }`,
    `"path.pipeline" = { dictionary = "pipelines", probability = 0.8 }`,
    ...["getBuild", "getBuildLog", "cancelBuild"].map((id) => drawn(id, "path.id", "builds")),
    drawn("getRelease", "path.release", "releases"),
    drawn("getDeployment", "path.id", "deployments"),
    ...["checkDomain", "checkDomainCertificate", "setDomainHsts"].map((id) => drawn(id, "path.domain", "domains")),
    drawn("unsetConfigVar", "path.key", "keys"),
    fixed("deleteApp", { "path.app": d.doomed.app }),
    // A rename would take the contract app away from every later request.
    fixed("updateApp", { "path.app": d.doomed.renamedApp }),
    fixed("revokeToken", { "path.id": d.doomed.tokenId }),
    fixed("removeDomain", { "path.domain": d.doomed.domain }),
    // Requiring MFA in the member's own team would refuse the member every later call (403): a team that is not there.
    fixed("setTeamMfaRequired", { "path.teamId": "00000000-0000-4000-8000-000000000021" }),
    // A test notification waits for the channel's server, up to a notice's 10 s deadline.
    `[[operations]]\ninclude-operation-id = "testAlertChannel"\nrequest-timeout = 12\n`,
  ].join("\n");
}

/** One run's budget; the test allows two (the member's and the admin's) and its own set-up. */
export const RUN_BUDGET_MS = 110_000;

export interface SchemathesisRun {
  code: number | null;
  output: string;
}

/** `st run` over the document at `documentUrl`; resolves with its exit code and report. */
export function runSchemathesis(
  workDir: string,
  name: string,
  config: string,
  documentUrl: string,
  args: string[],
): Promise<SchemathesisRun> {
  const configFile = join(workDir, `${name}.toml`);
  writeFileSync(configFile, config);
  const child = spawn(
    schemathesisBinary(),
    [
      "--config-file",
      configFile,
      "run",
      documentUrl,
      "--checks",
      "status_code_conformance,content_type_conformance,response_schema_conformance",
      // The stateful phase chains calls through links it infers (a listed id into a DELETE):
      // left out, so what is deleted stays what the config gives to delete.
      "--phases",
      "examples,coverage,fuzzing",
      "--max-examples",
      "4",
      "--workers",
      "2",
      ...args,
    ],
    // Its caches (.schemathesis, .hypothesis) are made in the working folder: the test's own.
    { cwd: workDir, env: { ...process.env, NO_COLOR: "1" } },
  );
  let output = "";
  child.stdout.on("data", (b: Buffer) => {
    output += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    output += b.toString();
  });
  // Past its budget the run is stopped, so a hung run fails the test instead of outliving it.
  const budget = setTimeout(() => {
    output += `\n[contract] Schemathesis ran past ${RUN_BUDGET_MS / 1000} s and was stopped.\n`;
    child.kill("SIGKILL");
  }, RUN_BUDGET_MS);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(budget);
      resolve({ code, output });
    });
  });
}
