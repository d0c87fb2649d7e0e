// Caddy hands back the config it runs re-encoded by Go (keys sorted, `<` escaped…), so configs
// are compared by a hash of a canonical form: parsed values, keys sorted.
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function configHash(config: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(config ?? null)))
    .digest("hex");
}
