import { CommandAbortedError, run } from "../process/run.ts";
import { quoted, timedOut } from "./detail.ts";
import type { CommandProbe, ProbeOptions, ProbeTarget } from "./probe.ts";

const FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * Healthy when the command exits 0 within the timeout. It runs in its own process group, so a
 * hung command is killed with everything it started. Its last line of output is the detail.
 */
export async function probeCommand(
  probe: CommandProbe,
  target: ProbeTarget,
  options: ProbeOptions,
): Promise<{ ok: boolean; detail: string }> {
  let lastLine = "";
  const env = {
    PATH: process.env.PATH ?? FALLBACK_PATH,
    ...options.env,
    HOST: target.address,
    PORT: String(target.port),
  };
  try {
    const result = await run(probe.command, probe.args, {
      env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      keepStdout: 0,
      onLine: (line) => {
        if (line.trim()) lastLine = line.trim();
      },
    });
    const said = lastLine ? `: ${quoted(lastLine, 200)}` : "";
    return result.code === 0
      ? { ok: true, detail: `command exited 0${said}` }
      : { ok: false, detail: `command exited with ${result.code}${said}` };
  } catch (err) {
    if (err instanceof CommandAbortedError)
      return { ok: false, detail: err.reason === "timeout" ? timedOut(options.timeoutMs) : "cancelled" };
    return { ok: false, detail: (err as Error).message };
  }
}
