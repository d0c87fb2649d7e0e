import { describe, expect, it } from "vitest";
import { runCli, stubServer } from "./testing/io.ts";

// A recording HTTP stub stands in for the platform: these cases must never reach it.
describe("hostile or mistaken input is refused before anything is sent (recording HTTP stub, not the platform)", () => {
  it("refuses each with a non-zero status and sends nothing; the matching confirm does send", async () => {
    const stub = await stubServer(() => ({ body: { ok: true, addons: [] } }));
    const env = { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_x" };
    try {
      const cases: [string[], number, RegExp][] = [
        [["config:set", "-a", "app1", "NOEQUALS"], 2, /"NOEQUALS" is not KEY=VALUE; nothing was changed/],
        [["config:set", "-a", "app1", "GOOD=1", "bad-key=2"], 2, /"bad-key" is not a config var name/],
        [["config:unset", "-a", "app1", "A;rm"], 2, /not a config var name/],
        [["apps:destroy", "-a", "app1"], 1, /--confirm app1/],
        [["apps:destroy", "-a", "app1", "--confirm", "app2"], 1, /--confirm app2 does not match the app app1; nothing was deleted/],
        [["addons:destroy", "DATABASE", "-a", "app1", "--confirm", "nope"], 1, /does not match/],
        [["pg:backups:restore", "b1", "-a", "app1"], 1, /--confirm app1/],
        [["addons:restore", "DATABASE", "-a", "app1"], 2, /--to-time/],
        [["addons:restore", "DATABASE", "-a", "app1", "--to-time", "yesterday;drop"], 2, /is not a time/],
        [["ps:scale", "-a", "app1", "web=lots"], 2, /not TYPE=N/],
        [["releases:rollback", "-a", "app1", "latest"], 2, /not a release version/],
        [["logs", "-a", "app1", "--num", "-5"], 2, /--num must be/],
        [["logs", "-a", "app1", "--level", "loud"], 2, /--level takes/],
        [["logs:retention", "-a", "app1", "--days", "0"], 2, /--days must be/],
        [["logs:retention", "-a", "app1", "--size", "lots"], 2, /--size takes a size/],
        [["run", "-a", "app1"], 2, /Give the command/],
        [["migrate:plan", "shop"], 2, /No Heroku token/],
        [["migrate:plan", "shop;rm -rf /"], 2, /is not a Heroku app name/],
        [["migrate:execute", "shop", "--heroku-token", "hk_x"], 2, /Unknown flag --heroku-token/],
        [["migrate:plan", "shop", "--ref", "main"], 2, /give --git too/],
        [["migrate:rollback", "imp_1"], 2, /add --confirm APP/],
        [["migrate:verify", ".."], 2, /is not an import id/],
        [["apps", "--force"], 2, /Unknown flag --force/],
        [["no-such-command"], 2, /not a skypanel command/],
      ];
      for (const [argv, code, message] of cases) {
        const res = await runCli(argv, { env });
        expect(res.code, argv.join(" ")).toBe(code);
        expect(res.stderr, argv.join(" ")).toMatch(message);
      }
      expect(stub.requests).toEqual([]);

      const ok = await runCli(["apps:destroy", "-a", "app1", "--confirm", "app1"], { env });
      expect(ok.code).toBe(0);
      expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["DELETE /api/apps/app1"]);
    } finally {
      await stub.close();
    }
  });
});
