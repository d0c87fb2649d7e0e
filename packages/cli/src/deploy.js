// @ts-check
// Deploying a directory, shared by `skypanel deploy` and the GitHub Action: pack, upload as a
// build, stream its log, deploy the build and wait until it is live. Failures throw CliError
// with the platform's reason.
import { appPath } from "./api.js";
import { CliError } from "./errors.js";
import { uploadArchive } from "./upload.js";

export const STRATEGIES = ["rolling", "blue_green", "canary"];
const UNFINISHED_BUILD = new Set(["queued", "running"]);
const UNFINISHED_DEPLOY = new Set(["queued", "pending", "running"]);
const POLL_MS = 500;

/**
 * @typedef {object} DeployReport  how progress is told (the CLI prints, the Action logs)
 * @property {(text: string) => void} status
 * @property {(line: string) => void} log           one build log line
 * @property {(sent: number, total: number) => void} [progress]
 */

/**
 * @typedef {object} DeployResult
 * @property {{ id: string, number: number, status: string }} build
 * @property {{ id: string, status: string, releaseId?: string | null } | null} deployment
 * @property {{ id: string, version: number } | null} release  null with wait: false
 * @property {string | null} url  the app's address, when the platform says it
 * @property {string[]} entries   what the archive held
 */

/**
 * @param {{ api: import("./api.js").Api, app: string, dir: string, strategy?: string, overrideReason?: string, wait?: boolean, report: DeployReport }} options
 * @returns {Promise<DeployResult>}
 */
export async function deployDirectory({ api, app, dir, strategy = "rolling", overrideReason, wait = true, report }) {
  if (!STRATEGIES.includes(strategy)) throw new CliError(`--strategy must be one of ${STRATEGIES.join(", ")}, not "${strategy}".`, 2);
  const { packDir } = await import("./pack.js");
  const archive = await packDir(dir).catch((/** @type {Error} */ err) => {
    throw new CliError(err.message);
  });
  report.status(`Packed ${archive.entries.length} files (${Math.round(archive.bytes / 1024)} KiB) from ${dir}`);
  /** @type {{ id: string, number: number, status: string }} */
  let build;
  try {
    build = await uploadArchive(api, `${appPath(app)}/builds`, archive, report.progress);
  } finally {
    archive.cleanup();
  }
  report.status(`Build #${build.number} ${build.status} (${build.id})`);

  if (!wait) {
    // The platform deploys a build once it succeeds: queue the deployment now and return.
    const deployment = await api.post(`${appPath(app)}/deployments`, { buildId: build.id, strategy, overrideReason });
    report.status(`Deployment ${deployment.id} queued; it starts when build #${build.number} succeeds.`);
    return { build, deployment, release: null, url: null, entries: archive.entries };
  }

  await streamBuildLog(api, app, build.id, report.log);
  const built = await waitFor(
    () => api.get(`${appPath(app)}/builds/${build.id}`),
    (b) => !UNFINISHED_BUILD.has(b.status),
  );
  if (built.status !== "succeeded") {
    throw new CliError(`Build #${built.number} ${built.status}${built.error ? `: ${built.error}` : ""}`);
  }
  report.status(`Build #${built.number} succeeded; deploying (${strategy})...`);
  const queued = await api.post(`${appPath(app)}/deployments`, { buildId: build.id, strategy, overrideReason });
  const deployment = await waitForDeployment(api, app, queued.id, (step) => report.status(`  ${step}`));
  const releases = (await api.get(`${appPath(app)}/releases`)).releases;
  const release = releases.find((/** @type {{ id: string }} */ r) => r.id === deployment.releaseId) ?? null;
  const info = await api.get(appPath(app));
  return {
    build: { id: built.id, number: built.number, status: built.status },
    deployment,
    release: release && { id: release.id, version: release.version },
    url: info.url ?? null,
    entries: archive.entries,
  };
}

/**
 * Prints a build's log: Server-Sent Events while it runs (resuming after a dropped stream from
 * the last line seen), the whole text once it has finished.
 * @param {import("./api.js").Api} api
 * @param {string} app
 * @param {string} buildId
 * @param {(line: string) => void} onLine
 */
export async function streamBuildLog(api, app, buildId, onLine) {
  const { readSse } = await import("./sse.js");
  let after = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await api.raw("GET", `${appPath(app)}/builds/${buildId}/logs`, {
      query: { after: after || undefined },
      headers: { accept: "text/event-stream" },
    });
    if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      const text = await res.text();
      for (const line of text.split("\n").slice(0, text.endsWith("\n") ? -1 : undefined)) onLine(line);
      return;
    }
    if (!res.body) return;
    for await (const event of readSse(res.body)) {
      if (event.event === "end") return;
      onLine(event.data);
      if (event.id) after = Number(event.id) || after;
    }
    // The stream ended without `end`: ask again from the last line.
  }
}

/**
 * Polls a deployment until it finishes, telling each step as it changes; throws with the
 * platform's reason unless it succeeded.
 * @param {import("./api.js").Api} api
 * @param {string} app
 * @param {string} id
 * @param {(step: string) => void} [onStep]
 */
export async function waitForDeployment(api, app, id, onStep) {
  /** @type {Map<string, string>} */
  const seen = new Map();
  const dep = await waitFor(
    () => api.get(`${appPath(app)}/deployments/${id}`),
    (d) => {
      for (const s of Array.isArray(d.steps) ? d.steps : []) {
        const text = `${s.name}: ${s.status}${s.detail ? ` (${s.detail})` : ""}`;
        if (seen.get(s.name) !== text) {
          seen.set(s.name, text);
          if (s.status !== "running" || !s.detail) onStep?.(text);
        }
      }
      return !UNFINISHED_DEPLOY.has(d.status);
    },
  );
  if (dep.status !== "succeeded") throw new CliError(`Deployment ${dep.status}${dep.error ? `: ${dep.error}` : ""}`);
  return dep;
}

/**
 * @template T
 * @param {() => Promise<T>} read
 * @param {(value: T) => boolean} done
 * @returns {Promise<T>}
 */
async function waitFor(read, done) {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
