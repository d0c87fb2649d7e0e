// @ts-check
// open: the app in a browser, or its URL printed when there is no browser or no terminal.
import { spawn } from "node:child_process";
import { appPath } from "../api.js";
import { CliError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

export async function open(/** @type {Context} */ ctx) {
  const app = await ctx.api().get(appPath(ctx.app()));
  if (!app.url) throw new CliError(`The platform did not say ${app.name}'s URL (an older SkyPanel?).`);
  const url = new URL(ctx.args[0] ?? "/", app.url).toString();
  const opener = ctx.config.browser ?? (process.platform === "darwin" ? "open" : "xdg-open");
  if (!ctx.out.tty || (process.platform === "linux" && !ctx.config.browser && !ctx.config.display)) {
    ctx.out.line(url);
    return;
  }
  const child = spawn(opener, [url], { stdio: "ignore", detached: true });
  const opened = await new Promise((resolve) => {
    child.once("error", () => resolve(false));
    child.once("spawn", () => resolve(true));
  });
  child.unref();
  ctx.out.line(opened ? `Opening ${url}` : url);
}
