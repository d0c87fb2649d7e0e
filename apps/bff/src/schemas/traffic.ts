// An app's traffic protection at the router: limits per client address, body size cap, WAF.
import { TRAFFIC_BOUNDS, WAF_MODES } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "./common.ts";

const bounded = (key: keyof typeof TRAFFIC_BOUNDS) => z.number().int().min(TRAFFIC_BOUNDS[key].min).max(TRAFFIC_BOUNDS[key].max).nullable();

const fields = {
  requestsPerMinute: bounded("requestsPerMinute").meta({
    description: `Requests per minute each client address may make (${TRAFFIC_BOUNDS.requestsPerMinute.min}–${TRAFFIC_BOUNDS.requestsPerMinute.max}); more get 429 with Retry-After. null: unlimited.`,
  }),
  burst: bounded("burst").meta({
    description: "Requests a client address may send at once before the per-minute rate applies; null: as many as requestsPerMinute.",
  }),
  maxConcurrentRequests: bounded("maxConcurrentRequests").meta({
    description: "Requests each client address may have in flight at once (a WebSocket counts while open); more get 429. null: unlimited.",
  }),
  maxBodyBytes: bounded("maxBodyBytes").meta({
    description: `Largest request body in bytes (${TRAFFIC_BOUNDS.maxBodyBytes.min}–${TRAFFIC_BOUNDS.maxBodyBytes.max}); larger ones get 413. null: no limit.`,
  }),
  wafMode: z.enum(WAF_MODES).meta({
    description: "The OWASP Core Rule Set: off; detect (requests pass, matches go to the app's logs); block (matching requests get 403).",
  }),
};

export const trafficBody = z.strictObject({
  requestsPerMinute: fields.requestsPerMinute.optional(),
  burst: fields.burst.optional(),
  maxConcurrentRequests: fields.maxConcurrentRequests.optional(),
  maxBodyBytes: fields.maxBodyBytes.optional(),
  wafMode: fields.wafMode.optional(),
});
export const trafficInput = appInput.extend(trafficBody.shape);

export const trafficSchema = z
  .strictObject({
    ...fields,
    router: z
      .enum(["custom", "debian"])
      .nullable()
      .meta({ description: "The Caddy serving apps: custom (SkyPanel's build), debian, or null when this platform routes nothing." }),
    needsCustomRouter: z
      .array(z.enum(["requestsPerMinute", "burst", "maxConcurrentRequests", "maxBodyBytes", "wafMode"]))
      .meta({ description: "Settings saved but not in force: they need SkyPanel's custom router build." }),
  })
  .meta({ id: "TrafficPolicy" });
