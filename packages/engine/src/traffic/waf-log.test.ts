import { describe, expect, it } from "vitest";
import { parseAccessLine } from "../metrics/access-log.ts";
import { wafLogLine } from "./waf-log.ts";

const line = (waf: unknown) => JSON.stringify({ request: { host: "shop.localhost:8080" }, duration: 0.01, status: 200, waf });

describe("WAF matches in the router's access log", () => {
  it("reads the rule ids and messages Caddy's WAF handler wrote, and words the app's log line", () => {
    const entry = parseAccessLine(
      line({ mode: "detect", blocked: false, rules: [{ id: 942100, msg: "SQL Injection Attack Detected via libinjection" }] }),
    );
    expect(entry?.waf).toEqual({ blocked: false, rules: [{ id: 942100, msg: "SQL Injection Attack Detected via libinjection" }] });
    expect(wafLogLine(entry?.waf ?? { blocked: false, rules: [] }, 200)).toBe(
      "router: WAF detected (request passed, 200): OWASP CRS rules 942100 (SQL Injection Attack Detected via libinjection)",
    );
    expect(wafLogLine({ blocked: true, rules: [{ id: 949110, msg: "Inbound Anomaly Score Exceeded" }] }, 403)).toMatch(
      /^router: WAF blocked a request \(403\): OWASP CRS rules 949110/,
    );
  });

  it("takes nothing it cannot trust from the field: odd shapes read as no match, long messages are cut, at most ten rules", () => {
    for (const odd of [null, "942100", [], { rules: "x" }, { rules: [{ id: "942100", msg: "x" }] }, { rules: [{ id: 1.5, msg: "x" }] }])
      expect(parseAccessLine(line(odd))?.waf, JSON.stringify(odd)).toBeUndefined();
    const many = Array.from({ length: 30 }, (_, i) => ({ id: i, msg: "m".repeat(1000) }));
    const waf = parseAccessLine(line({ blocked: "yes", rules: many }))?.waf;
    expect(waf?.rules).toHaveLength(10);
    expect(waf?.rules[0]?.msg).toHaveLength(200);
    expect(waf?.blocked).toBe(false);
  });
});
