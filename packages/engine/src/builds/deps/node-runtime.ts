// The Node.js a Node app builds and runs with: the platform's own when it satisfies what the app
// asks for (detect/node-version.ts), else the newest matching release from the npm registry
// (node-download.ts), as a layer of its own that buildpacks/nodejs.nix puts first on PATH.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type BuildPlan, newestMatching, nodeRequestIn, platformNode } from "../../detect/index.ts";
import { ValidationError } from "../../errors.ts";
import { runChecked } from "../../process/run.ts";
import { cacheKey } from "../cache.ts";
import { downloadNode, NODE_PACKAGES, registryVersions } from "./node-download.ts";
import type { RuntimeChooser } from "./types.ts";

const versions = new Map<string, string>();

/**
 * The platform's Node, as the toolchain's `node --version` says (v20.20.2). Asked once per
 * binary: the answer is kept under the binary's identity, so an upgraded node is asked again.
 */
export async function platformVersion(path: string): Promise<string> {
  const binary = path
    .split(":")
    .map((dir) => join(dir, "node"))
    .find((file) => existsSync(file));
  const s = binary ? statSync(binary) : null;
  const identity = s ? `${path}\0${binary}\0${s.ino}\0${s.size}\0${s.mtimeMs}` : null;
  const known = identity ? versions.get(identity) : undefined;
  if (known) return known;
  const version = (await runChecked("node", ["--version"], { env: { PATH: path }, timeoutMs: 30_000 })).stdout.trim();
  if (identity) versions.set(identity, version);
  return version;
}

export const chooseNode: RuntimeChooser = async (plan, sourceDir, ctx) => {
  const request = await nodeRequestIn(sourceDir);
  const platform = await platformVersion(ctx.path);
  let choice = platformNode(request, platform);
  const pkg = NODE_PACKAGES[process.arch];
  if (choice === null && pkg === undefined) {
    throw new ValidationError(
      `${request.asked} asks for a Node.js other than the platform's own (${platform}), and this machine (${process.arch}) has no Node.js releases in the npm registry to fetch it from.`,
    );
  }
  if (choice === null) {
    const versions = await registryVersions(ctx, pkg as string).catch((err: Error) => {
      throw new Error(
        `${request.asked} asks for a Node.js other than the platform's own (${platform}), and the npm registry could not say which releases exist: ${err.message}`,
      );
    });
    choice = newestMatching(request, versions, pkg as string, platform);
  }
  const chosen: BuildPlan = {
    ...plan,
    versions: { ...plan.versions, node: choice.version },
    reasons: plan.reasons.map((r) => (r.topic === "version" ? { topic: "version", reason: `${choice.reason}.` } : r)),
  };
  if (!choice.download) return { plan: chosen, layer: null };
  const version = choice.version;
  return {
    plan: chosen,
    layer: {
      key: cacheKey({ v: 1, runtime: "node", pkg, version }),
      what: `Node ${version}`,
      fetch: (fetchCtx) => downloadNode(fetchCtx, pkg as string, version),
    },
  };
};
