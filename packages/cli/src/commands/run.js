// @ts-check
// run: a one-off process with the app's release and config. Attached (the default), its
// terminal is this one over a WebSocket: binary frames carry the bytes both ways, text frames
// JSON control messages (`resize` from here, `exit` from the server). Exits with its status.
import { appPath } from "../api.js";
import { CliError, UsageError } from "../errors.js";
import { shellQuote } from "../output.js";

/** @typedef {import("../context.js").Context} Context */

/**
 * The command line the server runs with a shell: one argument is taken as already a shell
 * command (`run "echo $HOME"`), several are quoted where a shell would split or expand them.
 * @param {string[]} args
 */
export function commandLine(args) {
  if (args.length === 1) return /** @type {string} */ (args[0]);
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shellQuote(a))).join(" ");
}

/** The WebSocket address of an attach path, on the platform's own host (http→ws, https→wss). */
export function attachAddress(/** @type {string} */ baseUrl, /** @type {string} */ attachUrl) {
  const url = new URL(attachUrl, `${baseUrl}/`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export async function run(/** @type {Context} */ ctx) {
  if (ctx.args.length === 0) throw new UsageError("Give the command to run, e.g. skypanel run -- node -e 'console.log(1)'.");
  const timeout = ctx.str("timeout");
  if (timeout !== undefined && !/^\d{1,6}$/.test(timeout)) throw new UsageError(`--timeout takes seconds, not "${timeout}".`);
  const app = ctx.app();
  const attach = !ctx.flags.detached;
  const { stdout } = ctx;
  const oneOff = await ctx.api().post(`${appPath(app)}/one-offs`, {
    command: commandLine(ctx.args),
    attach,
    ...(stdout.isTTY && stdout.columns > 0 && stdout.rows > 0 ? { size: { cols: stdout.columns, rows: stdout.rows } } : {}),
    ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
  });
  if (!attach) {
    if (ctx.flags.json) ctx.out.json(oneOff);
    else
      ctx.out.line(`Running ${oneOff.command} on ${app} as ${ctx.out.bold(oneOff.name)}: see skypanel logs -a ${app} --ps ${oneOff.name}`);
    return 0;
  }
  return attachTerminal(ctx, attachAddress(ctx.config.url, oneOff.attachUrl));
}

/**
 * Joins this terminal to the one-off's; resolves with its exit status.
 * @param {Context} ctx
 * @param {string} address
 * @returns {Promise<number>}
 */
async function attachTerminal(ctx, address) {
  const { default: WebSocket } = await import("ws");
  const { stdin, stdout, stderr } = ctx;
  const token = ctx.api().token;
  const ws = new WebSocket(address, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const raw = Boolean(stdin.isTTY);
  /** @type {number | null} */
  let exitCode = null;

  const onInput = (/** @type {Buffer} */ chunk) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(chunk, { binary: true });
  };
  // One message per new size: a size change can bring more than one SIGWINCH (the kernel's, and a
  // terminal's own), and the remote terminal needs to hear of each size once.
  let lastSize = `${stdout.columns}x${stdout.rows}`;
  const onResize = () => {
    const size = `${stdout.columns}x${stdout.rows}`;
    if (size === lastSize || ws.readyState !== WebSocket.OPEN) return;
    lastSize = size;
    ws.send(JSON.stringify({ type: "resize", cols: stdout.columns, rows: stdout.rows }));
  };
  // Piped stdin that ends: say so, so `echo 'select 1' | skypanel run psql` finishes (a server
  // that does not know `eof` ignores it, and the process ends when the socket closes).
  const onEnd = () => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "eof" }));
  };
  const cleanup = () => {
    stdin.off("data", onInput);
    stdin.off("end", onEnd);
    stdin.pause();
    if (raw) stdin.setRawMode(false);
    if (stdout.isTTY) process.off("SIGWINCH", onResize);
  };

  return new Promise((resolve, reject) => {
    ws.on("unexpected-response", (_req, res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        let message = Buffer.concat(chunks).toString("utf8").slice(0, 500) || `HTTP ${res.statusCode}`;
        try {
          message = JSON.parse(message).error.message;
        } catch {
          // Not the API's error shape.
        }
        reject(new CliError(`Could not attach: ${message}`));
      });
    });
    ws.on("open", () => {
      // Raw mode: Ctrl-C, Ctrl-D and arrows go to the remote process as bytes, not to this one.
      if (raw) stdin.setRawMode(true);
      stdin.on("data", onInput);
      if (!raw) stdin.on("end", onEnd);
      stdin.resume();
      if (stdout.isTTY) process.on("SIGWINCH", onResize);
    });
    ws.on("message", (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
      if (isBinary) {
        stdout.write(bytes);
        return;
      }
      try {
        const msg = JSON.parse(bytes.toString("utf8"));
        // A process killed by a signal has no code: that is a failure too.
        if (msg.type === "exit") exitCode = typeof msg.code === "number" ? msg.code : 1;
        else if (msg.type === "error" && msg.message) stderr.write(`${msg.message}\n`);
      } catch {
        // An unknown control message: ignore it, as a newer server may send more kinds.
      }
    });
    ws.on("error", (err) => {
      cleanup();
      reject(new CliError(`The connection to the one-off process failed: ${err.message}`));
    });
    ws.on("close", () => {
      cleanup();
      if (exitCode === null) stderr.write("The connection closed before the process said how it ended.\n");
      resolve(exitCode ?? 1);
    });
  });
}
