// @ts-check
// How a GitHub runner talks to a JavaScript action: inputs arrive as INPUT_<NAME> variables
// (upper-cased, spaces to underscores, dashes kept: `api-key` is INPUT_API-KEY), outputs are
// `name=value` lines appended to the file named by GITHUB_OUTPUT, and `::command::` lines on
// stdout mask secrets and mark errors.
import { appendFileSync } from "node:fs";

/** The value of input `name` as the runner passes it, trimmed; "" when unset. */
export function getInput(/** @type {NodeJS.ProcessEnv} */ env, /** @type {string} */ name) {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/**
 * The action's inputs with their defaults; a missing required one or a bad value throws.
 * @param {NodeJS.ProcessEnv} env
 */
export function readInputs(env) {
  const required = (/** @type {string} */ name) => {
    const v = getInput(env, name);
    if (!v) throw new Error(`Input required and not supplied: ${name}`);
    return v;
  };
  const wait = (getInput(env, "wait") || "true").toLowerCase();
  if (!["true", "false"].includes(wait)) throw new Error(`Input wait must be true or false, not "${wait}".`);
  return {
    url: required("url").replace(/\/+$/, ""),
    apiKey: required("api-key"),
    app: required("app"),
    path: getInput(env, "path") || ".",
    strategy: getInput(env, "strategy") || "rolling",
    wait: wait === "true",
  };
}

/** A workflow command's data, escaped as the runner expects. */
export function escapeData(/** @type {string} */ s) {
  return s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/**
 * Appends outputs to GITHUB_OUTPUT (a heredoc for values with newlines).
 * @param {string | undefined} file
 * @param {Record<string, string>} outputs
 */
export function writeOutputs(file, outputs) {
  if (!file) throw new Error("GITHUB_OUTPUT is not set: not running on a GitHub runner?");
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    if (value.includes("\n")) {
      const delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}`;
      text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    } else text += `${name}=${value}\n`;
  }
  appendFileSync(file, text);
}
