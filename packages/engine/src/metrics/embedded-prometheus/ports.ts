// Ports of the platform's Prometheus and Alertmanager: the settings', else ones chosen free on
// the first start and kept in the home, so bookmarks and an operator's Grafana keep working.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { z } from "zod";
import { freePort } from "../../process/free-port.ts";
import { embeddedPrometheusPaths } from "./paths.ts";

export interface EmbeddedPorts {
  prometheus: number;
  alertmanager: number;
}

const port = z.number().int().min(1).max(65535);
const keptSchema = z.object({ prometheus: port, alertmanager: port });

/** Whether nothing listens on 127.0.0.1:`p` now. */
const listenable = (p: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/** The settings' ports, else the kept ones while they are free, else new free ones (then kept). */
export async function embeddedPorts(home: string, configured: Partial<EmbeddedPorts>): Promise<EmbeddedPorts> {
  const file = embeddedPrometheusPaths(home).portsFile;
  let kept: Partial<EmbeddedPorts> = {};
  try {
    kept = keptSchema.partial().parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    // None kept yet, or a file not ours to trust: choose again.
  }
  const pick = async (name: keyof EmbeddedPorts, taken: number[]) => {
    const setting = configured[name];
    if (setting !== undefined) return setting;
    const k = kept[name];
    if (k !== undefined && !taken.includes(k) && (await listenable(k))) return k;
    for (;;) {
      const p = await freePort();
      if (!taken.includes(p)) return p;
    }
  };
  const prometheus = await pick("prometheus", [configured.alertmanager ?? 0]);
  const alertmanager = await pick("alertmanager", [prometheus]);
  const ports = { prometheus, alertmanager };
  writeFileSync(file, `${JSON.stringify(ports)}\n`, { mode: 0o600 });
  return ports;
}
