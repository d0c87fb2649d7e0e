// An app's egress policy applied to instances already running, so a change needs no restart.
import { existsSync } from "node:fs";
import type { EgressPolicy } from "./egress-policy.ts";
import type { Instance } from "./instance.ts";
import { applyEgress } from "./network.ts";

/**
 * Rewrites a running instance's rules and route for `policy`. False when there is nothing to
 * apply: a process-mode instance (it shares the host's network) or one whose namespace is gone
 * (it has ended; its address pair may already be another instance's, whose rules stay untouched).
 */
export async function applyInstanceEgress(instance: Instance, policy: EgressPolicy): Promise<boolean> {
  const net = instance.network;
  if (!net || !existsSync(`/run/netns/${net.namespace}`)) return false;
  await applyEgress(
    { netns: net.namespace, hostInterface: net.hostInterface, hostAddress: net.hostAddress, address: instance.address },
    policy,
  );
  return true;
}
