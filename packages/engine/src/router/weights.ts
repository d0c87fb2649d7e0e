// Caddy 2.6 has no weighted selection policy (weighted_round_robin came in 2.7), so weights are
// expressed the way its round_robin can follow them: each instance appears in the upstream list
// as many times as its share, interleaved (nginx's smooth weighted round robin) so a 9:1 canary
// gets one request in every ten instead of a burst of ten every hundred.
import type { RouteUpstream } from "./types.ts";

/** Longest list one app's weights expand to; bigger sums are scaled down to about this. */
export const MAX_WEIGHT_SLOTS = 100;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Weights reduced to the smallest whole numbers with (about) the same ratios. */
export function reduceWeights(weights: number[]): number[] {
  if (weights.length === 0) return [];
  let w = weights.map((x) => Math.max(1, Math.round(x)));
  const sum = w.reduce((a, b) => a + b, 0);
  if (sum > MAX_WEIGHT_SLOTS) w = w.map((x) => Math.max(1, Math.round((x * MAX_WEIGHT_SLOTS) / sum)));
  const g = w.reduce(gcd);
  return w.map((x) => x / g);
}

/** The upstream dial addresses in the order round_robin should visit them. */
export function expandWeights(upstreams: RouteUpstream[]): string[] {
  const weights = reduceWeights(upstreams.map((u) => u.weight ?? 1));
  const slots = upstreams.map((u, i) => ({ dial: u.dial, weight: weights[i] ?? 1, current: 0 }));
  const total = weights.reduce((a, b) => a + b, 0);
  const order: string[] = [];
  for (let n = 0; n < total; n++) {
    for (const slot of slots) slot.current += slot.weight;
    const best = slots.reduce((a, b) => (b.current > a.current ? b : a));
    best.current -= total;
    order.push(best.dial);
  }
  return order;
}
