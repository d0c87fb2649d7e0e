// A WAF match read from the router's access log becomes a line in the app's own logs, so its
// owner sees what the rule set caught: detect-only matches above all, which otherwise pass unseen.
import type { Database } from "@skypanel/db";
import { findAppsByNames } from "@skypanel/db/queries";
import type { LogStore } from "../logs/index.ts";
import type { WafMatch } from "../metrics/index.ts";

export function wafLogLine(match: WafMatch, status: number): string {
  const rules = match.rules.map((r) => `${r.id} (${r.msg})`).join(", ");
  return match.blocked
    ? `router: WAF blocked a request (${status}): OWASP CRS rules ${rules}`
    : `router: WAF detected (request passed, ${status}): OWASP CRS rules ${rules}`;
}

/** The collector's onWafMatch. The app is looked up by name each time: a deleted app's name may come back as another app. */
export function wafMatchLogger(db: Database, logStore: LogStore) {
  /** Resolves once the line is queued (the store writes it with its next batch). */
  return (appName: string, match: WafMatch, status: number): Promise<void> =>
    findAppsByNames(db, [appName])
      .then(([app]) => {
        if (app) logStore.append({ appId: app.id, source: "platform", stream: "system", level: "warn", line: wafLogLine(match, status) });
      })
      .catch((err) => console.error("[router] could not log a WAF match:", (err as Error).message));
}
