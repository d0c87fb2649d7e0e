// @ts-check
// deploy: this directory, built and deployed, with the build log streamed here.
import { resolve } from "node:path";
import { deployDirectory } from "../deploy.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

export async function deploy(/** @type {Context} */ ctx) {
  if (ctx.args.length > 1) throw new UsageError("deploy takes at most one directory.");
  const app = ctx.app();
  const dir = resolve(ctx.cwd, ctx.args[0] ?? ".");
  const strategy = ctx.str("strategy") ?? "rolling";
  const { out } = ctx;
  // With --json, the build log goes to stderr so stdout is only the result.
  const logLine = ctx.flags.json ? out.status : out.line;
  const result = await deployDirectory({
    api: ctx.api(),
    app,
    dir,
    strategy,
    overrideReason: ctx.str("override-reason"),
    wait: ctx.flags.wait !== false,
    report: {
      status: (text) => out.status(text),
      log: (line) => logLine(line),
      progress: (sent, total) => out.progress(sent, total, "Uploading"),
    },
  });
  if (ctx.flags.json) return out.json(result);
  if (!result.release) return;
  out.status(`${out.green("Deployed")} ${app} v${result.release.version}${result.url ? ` at ${result.url}` : ""}`);
}
