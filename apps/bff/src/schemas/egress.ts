// An app's egress policy: what its instances may reach outside the platform.
import { EGRESS_MODES, MAX_EGRESS_RULES } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "./common.ts";

const port = z.number().int().min(1).max(65535);

export const egressRuleSchema = z
  .strictObject({
    cidr: z.string().min(1).max(64).meta({ description: 'An IPv4 network in CIDR form, e.g. "203.0.113.0/24" (a /32 for one address).' }),
    ports: z
      .strictObject({ from: port, to: port })
      .nullable()
      .meta({ description: "TCP and UDP ports from–to (both included); null: every port and protocol." }),
  })
  .meta({ id: "EgressRule" });

/** A rule as the CLI writes it, "CIDR[:port[-port]]", or as an object; the engine checks both the same way. */
const egressRuleInput = z.union([
  z.string().min(1).max(80).meta({ description: '"203.0.113.0/24", "198.51.100.7:443" or "10.0.0.0/8:8000-8100".' }),
  egressRuleSchema,
]);

export const egressBody = z.object({
  mode: z.enum(EGRESS_MODES).meta({
    description:
      "deny: nothing outside the platform (the default). allow: anything except the platform's host and other instances. allowlist: only `rules`.",
  }),
  rules: z
    .array(egressRuleInput)
    .max(MAX_EGRESS_RULES)
    .default([])
    .meta({ description: `The allow-list (at most ${MAX_EGRESS_RULES}); kept but unused in the other modes.` }),
});
export const egressInput = appInput.extend(egressBody.shape);

export const egressSchema = z
  .strictObject({
    mode: z.enum(EGRESS_MODES),
    rules: z.array(egressRuleSchema),
    appliedTo: z.number().int().optional().meta({ description: "After a change: how many running instances follow it already." }),
  })
  .meta({ id: "EgressPolicy" });
