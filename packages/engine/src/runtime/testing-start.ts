// A control plane that lives only long enough to start one instance (for the re-adoption test):
// `tsx testing-start.ts <cgroup parent> <spec json>` prints the instance's address and first lines, then exits.
import { createRuntime } from "./runtime.ts";
import type { InstanceSpec } from "./spec.ts";
import { collect, probe, until } from "./testing.ts";

const [parent, specJson] = process.argv.slice(2);
const runtime = createRuntime({ cgroupParent: parent, log: () => {} });
const instance = await runtime.startInstance(JSON.parse(specJson ?? "{}") as InstanceSpec);
const lines = collect(instance.stdout);
await probe(instance, "/");
await until(() => lines.length > 0, 5000, "a first line");
instance.stdout.destroy();
process.stdout.write(JSON.stringify({ address: instance.address, port: instance.port, lines }));
process.exit(0);
