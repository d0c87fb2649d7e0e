// migrate:* against a recording HTTP stub of the importer's REST API (not the platform: the
// importer reaches Heroku, which this machine cannot). The stub answers with the contract's
// shapes (packages/engine/src/imports/types.ts) and keeps every request it got.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli, type Stub, stubServer } from "./testing/io.ts";

const BIN = fileURLToPath(new URL("../bin/skypanel.js", import.meta.url));
const HEROKU_TOKEN = "hk-2f0c9e4a-secret-token";
const SECRET_VALUE = "postgres://u:s3cret-value@db.heroku.example/d1";

const PLAN = {
  heroku: { id: "h-1", name: "shop-heroku", stack: "heroku-22", region: "us", buildpacks: ["heroku/nodejs"], release: 42 },
  app: { name: "shop" },
  processes: [
    { type: "web", quantity: 2, size: "standard-1x", command: "npm start" },
    { type: "worker", quantity: 1, size: "standard-1x", command: "node worker.js" },
  ],
  config: [
    { key: "SESSION_SECRET", action: "copy" },
    { key: "GREETING", action: "copy" },
    // A field the contract does not have: even a server that sent a value must not get it printed.
    { key: "DATABASE_URL", action: "addon", addon: "postgresql-shaped-12345", value: SECRET_VALUE },
  ],
  addons: [
    {
      name: "postgresql-shaped-12345",
      service: "heroku-postgresql",
      plan: "heroku-postgresql:essential-0",
      becomes: "postgresql",
      as: ["DATABASE_URL"],
      data: "backup",
      note: "Becomes a SkyPanel PostgreSQL add-on, restored from Heroku's latest backup.",
    },
    {
      name: "postgresql-rugged-2",
      service: "heroku-postgresql",
      plan: "heroku-postgresql:standard-0",
      becomes: "postgresql",
      as: ["HEROKU_POSTGRESQL_RED_URL"],
      data: "backup",
      note: "Becomes a SkyPanel PostgreSQL database, restored from Heroku backup b002.",
    },
    {
      name: "redis-curved-777",
      service: "heroku-redis",
      plan: "heroku-redis:mini",
      becomes: "redis",
      as: ["REDIS_URL"],
      data: "none",
      note: "Becomes a SkyPanel Redis, empty.",
    },
    {
      name: "papertrail-flat-1",
      service: "papertrail",
      plan: "papertrail:choklad",
      becomes: null,
      as: ["PAPERTRAIL_API_TOKEN"],
      data: "none",
      note: "No counterpart.",
    },
  ],
  domains: [
    { hostname: "www.shop.example", action: "add", note: "Added; point its DNS here." },
    { hostname: "shop-heroku.herokuapp.com", action: "skip", note: "Heroku's own name" },
  ],
  source: { kind: "slug", slugId: "slug-9", bytes: 2048 * 1024, commit: "abcdef1234567", dropped: ["node_modules"] },
  unsupported: [{ what: "papertrail-flat-1 (papertrail)", why: "SkyPanel has no log drain add-on; its logs stay on Heroku." }],
  creates: ["Create the app shop.", "Copy 2 config vars.", "Create PostgreSQL and restore Heroku's latest backup."],
};

const step = (name: string, status: string, detail = "") => ({ name, status, detail });
const STEPS = ["app", "config", "build", "deploy", "verify"];
/** The import after `done` steps succeeded, the next one running. */
function importView(done: number, overrides: Record<string, unknown> = {}) {
  const steps = STEPS.map((name, i) =>
    step(name, i < done ? "succeeded" : i === done ? "running" : "pending", i < done ? `${name} done` : ""),
  );
  return {
    id: "imp_1",
    kind: "heroku",
    status: done >= STEPS.length ? "succeeded" : "running",
    app: { id: done > 0 ? "app-1" : null, name: "shop" },
    source: 'Heroku app "shop-heroku"',
    steps,
    dns: done >= STEPS.length ? [{ hostname: "www.shop.example", type: "CNAME", target: "shop.apps.skypanel.example" }] : [],
    url: done >= STEPS.length ? "https://shop.apps.skypanel.example" : null,
    error: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    finishedAt: done >= STEPS.length ? "2025-01-01T00:05:00.000Z" : null,
    ...overrides,
  };
}

/** The importer's API: a plan, the Heroku apps, and an import that moves on one view per GET. */
function importer(views: unknown[] = [importView(5)]) {
  let polled = 0;
  return stubServer((req) => {
    const at = `${req.method} ${req.url}`;
    if (at === "POST /api/imports/heroku/apps")
      return { body: { apps: [{ id: "h-1", name: "shop-heroku", stack: "heroku-22", region: "us", updatedAt: "2025-01-01" }] } };
    if (at === "POST /api/imports/heroku/plan") return { body: PLAN };
    if (at === "POST /api/imports/heroku") return { status: 202, body: { id: "imp_1" } };
    if (at === "GET /api/imports/imp_1") return { body: views[Math.min(polled++, views.length - 1)] };
    if (at === "POST /api/imports/imp_1/rollback") return { status: 202, body: importView(5) };
    return { status: 404, body: { error: { code: "NOT_FOUND", message: `no ${at}` } } };
  });
}

const envFor = (stub: Stub, extra: Record<string, string> = { HEROKU_API_KEY: HEROKU_TOKEN }) => ({
  SKYPANEL_URL: stub.url,
  SKYPANEL_API_KEY: "spt_x",
  ...extra,
});
const sent = (stub: Stub) => stub.requests.map((r) => `${r.method} ${r.url}`);
const bodyOf = (stub: Stub, at: string) => JSON.parse(stub.requests.find((r) => `${r.method} ${r.url}` === at)?.body ?? "null");

describe("migrate:* (recording HTTP stub of the importer's API, not the platform)", { timeout: 30_000 }, () => {
  it("analyze without an app lists the Heroku apps the token sees; with one, what Heroku has, config vars only counted", async () => {
    const stub = await importer();
    try {
      const apps = await runCli(["migrate:analyze"], { env: envFor(stub) });
      expect(apps.code, apps.stderr).toBe(0);
      expect(apps.stdout).toBe("shop-heroku\theroku-22\tus\t2025-01-01\n");
      expect(bodyOf(stub, "POST /api/imports/heroku/apps")).toEqual({ herokuToken: HEROKU_TOKEN });
      expect(stub.requests[0]?.authorization).toBe("Bearer spt_x");

      const one = await runCli(["migrate:analyze", "shop-heroku"], { env: envFor(stub) });
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toContain("Stack: heroku-22\n");
      expect(one.stdout).toContain("Buildpacks: heroku/nodejs\n");
      expect(one.stdout).toContain("Processes: web=2 (standard-1x) npm start, worker=1 (standard-1x) node worker.js\n");
      expect(one.stdout).toContain("heroku-postgresql:essential-0 as DATABASE_URL");
      expect(one.stdout).toContain("Domains: www.shop.example, shop-heroku.herokuapp.com\n");
      expect(one.stdout).toContain("Config vars: 3 (1 set by add-ons)\n");
      expect(one.stdout).not.toContain("s3cret");
      expect(bodyOf(stub, "POST /api/imports/heroku/plan")).toEqual({ herokuApp: "shop-heroku", herokuToken: HEROKU_TOKEN });
    } finally {
      await stub.close();
    }
  });

  it("plan prints Heroku and SkyPanel side by side, what cannot come and the plan's sentences, never a config value", async () => {
    const stub = await importer();
    try {
      const res = await runCli(["migrate:plan", "shop-heroku", "--name", "shop"], { env: envFor(stub) });
      expect(res.code, res.stderr).toBe(0);
      const rows = res.stdout.split("\n");
      expect(rows).toContain("App\tshop-heroku (us)\tshop");
      expect(rows).toContain("Code\trelease v42 slug (commit abcdef1, 2.0 MiB)\tbuilt from the slug's app/ without node_modules");
      expect(rows).toContain("Process web\t2 × standard-1x: npm start\tweb=2");
      expect(rows).toContain(
        "Add-on postgresql-shaped-12345\theroku-postgresql:essential-0 as DATABASE_URL\tpostgresql, data from Heroku's latest backup",
      );
      expect(rows).toContain("Add-on papertrail-flat-1\tpapertrail:choklad as PAPERTRAIL_API_TOKEN\tnot migrated (see below)");
      expect(rows).toContain("Config vars\t3\t2 copied; DATABASE_URL set by SkyPanel's add-ons");
      expect(rows).toContain("Domain\twww.shop.example\tadded");
      expect(rows).toContain("Domain\tshop-heroku.herokuapp.com\tskipped: Heroku's own name");
      expect(res.stdout).toContain(
        "Not migrated:\n  papertrail-flat-1 (papertrail): SkyPanel has no log drain add-on; its logs stay on Heroku.\n",
      );
      expect(res.stdout).toContain("The import will:\n  1. Create the app shop.\n  2. Copy 2 config vars.\n");
      expect(res.stdout + res.stderr).not.toContain("s3cret");
      expect(bodyOf(stub, "POST /api/imports/heroku/plan")).toEqual({ herokuApp: "shop-heroku", herokuToken: HEROKU_TOKEN, name: "shop" });

      const json = await runCli(["migrate:plan", "shop-heroku", "--git", "https://git.example/shop.git", "--ref", "main", "--json"], {
        env: envFor(stub),
      });
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(PLAN);
      expect(JSON.parse(stub.requests.at(-1)?.body ?? "")).toEqual({
        herokuApp: "shop-heroku",
        herokuToken: HEROKU_TOKEN,
        source: { kind: "git", url: "https://git.example/shop.git", ref: "main" },
      });

      const empty = await runCli(["migrate:plan", "shop-heroku", "--no-data", "DATABASE"], { env: envFor(stub) });
      expect(empty.code, empty.stderr).toBe(0);
      // Asked again with the add-ons whose data comes, so the plan's sentences can say so.
      expect(JSON.parse(stub.requests.at(-1)?.body ?? "").addonData).toEqual(["postgresql-rugged-2"]);
      expect(empty.stdout.split("\n")).toContain(
        "Add-on postgresql-shaped-12345\theroku-postgresql:essential-0 as DATABASE_URL\tpostgresql, starts empty",
      );
      expect(empty.stdout).toContain("With --no-data, postgresql-shaped-12345 starts empty.");
      const unknown = await runCli(["migrate:plan", "shop-heroku", "--no-data", "mongo"], { env: envFor(stub) });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("--no-data mongo: shop-heroku has no such add-on. It has: postgresql-shaped-12345");
    } finally {
      await stub.close();
    }
  });

  it("execute follows the import through its steps (each change once when piped) and exits 0 with the URL and the DNS records", async () => {
    const stub = await importer([importView(1), importView(3), importView(5)]);
    try {
      const res = await runCli(["migrate:execute", "shop-heroku", "--name", "shop"], { env: envFor(stub) });
      expect(res.code, res.stderr).toBe(0);
      expect(sent(stub)).toEqual([
        "POST /api/imports/heroku",
        "GET /api/imports/imp_1",
        "GET /api/imports/imp_1",
        "GET /api/imports/imp_1",
      ]);
      expect(bodyOf(stub, "POST /api/imports/heroku")).toEqual({ herokuApp: "shop-heroku", herokuToken: HEROKU_TOKEN, name: "shop" });
      expect(res.stdout).toBe(
        'Imported Heroku app "shop-heroku" as shop: https://shop.apps.skypanel.example\n\n' +
          "Make these DNS records for the domains to reach it:\nwww.shop.example\tCNAME\tshop.apps.skypanel.example\n",
      );
      const stepLines = res.stderr.split("\n").filter((l) => l.startsWith("  "));
      expect(stepLines).toEqual([
        "  ✓ app        succeeded   app done",
        "  … config     running",
        "  ✓ config     succeeded   config done",
        "  ✓ build      succeeded   build done",
        "  … deploy     running",
        "  ✓ deploy     succeeded   deploy done",
        "  ✓ verify     succeeded   verify done",
      ]);
    } finally {
      await stub.close();
    }
  });

  it("execute on a terminal redraws the step lines in place", async () => {
    const stub = await importer([importView(2), importView(5)]);
    try {
      const res = await runCli(["migrate:execute", "shop-heroku"], { env: envFor(stub), tty: true });
      expect(res.code, res.stderr).toBe(0);
      // Drawn twice: the second time from five lines up, each line cleared first.
      expect(res.stderr).toContain("\x1b[5F\x1b[2K  ✓ app");
      expect(res.stderr.split("\x1b[2K  ✓ verify")).toHaveLength(2);
    } finally {
      await stub.close();
    }
  });

  it("execute --no-data sends the add-ons whose data comes; --no-wait prints the import's id and returns", async () => {
    const stub = await importer();
    try {
      const res = await runCli(["migrate:execute", "shop-heroku", "--no-data", "DATABASE_URL", "--no-wait"], { env: envFor(stub) });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toBe("imp_1\n");
      expect(sent(stub)).toEqual(["POST /api/imports/heroku/plan", "POST /api/imports/heroku"]);
      expect(bodyOf(stub, "POST /api/imports/heroku")).toEqual({
        herokuApp: "shop-heroku",
        herokuToken: HEROKU_TOKEN,
        addonData: ["postgresql-rugged-2"],
      });
    } finally {
      await stub.close();
    }
  });

  it("a failed import exits 1 with its error", async () => {
    const failed = importView(3, {
      status: "failed",
      error: "build 4 failed: npm ci exited 1",
      finishedAt: "2025-01-01T00:03:00.000Z",
    });
    const stub = await importer([importView(1), failed]);
    try {
      const res = await runCli(["migrate:execute", "shop-heroku"], { env: envFor(stub) });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/Error: The import failed: build 4 failed: npm ci exited 1\n$/);
      expect(res.stdout).toBe("");
    } finally {
      await stub.close();
    }
  });

  it("with no Heroku token (no HEROKU_API_KEY, not a terminal, no --heroku-token-stdin) exits 2 and sends nothing; --heroku-token is no flag", async () => {
    const stub = await importer();
    try {
      for (const argv of [["migrate:analyze"], ["migrate:plan", "shop-heroku"], ["migrate:execute", "shop-heroku"]]) {
        const res = await runCli(argv, { env: envFor(stub, {}), stdin: HEROKU_TOKEN });
        expect(res.code, argv.join(" ")).toBe(2);
        expect(res.stderr).toContain("No Heroku token. Set HEROKU_API_KEY");
        expect(res.stderr).not.toContain(HEROKU_TOKEN);
      }
      const flag = await runCli(["migrate:plan", "shop-heroku", `--heroku-token=${HEROKU_TOKEN}`], { env: envFor(stub, {}) });
      expect(flag.code).toBe(2);
      expect(flag.stderr).toContain("Unknown flag --heroku-token.");
      expect(flag.stderr).not.toContain(HEROKU_TOKEN);
      expect(stub.requests).toEqual([]);

      const piped = await runCli(["migrate:analyze", "--heroku-token-stdin"], { env: envFor(stub, {}), stdin: `${HEROKU_TOKEN}\n` });
      expect(piped.code, piped.stderr).toBe(0);
      expect(bodyOf(stub, "POST /api/imports/heroku/apps")).toEqual({ herokuToken: HEROKU_TOKEN });
    } finally {
      await stub.close();
    }
  });

  it("the token never shows: not in the process's argv, stdout or stderr, nor in an error that echoes it", async () => {
    let argv = "";
    let child: ReturnType<typeof spawn> | undefined;
    const stub = await stubServer((_req, body) => {
      // The CLI is waiting for this answer, so its process is alive to be looked at.
      if (child?.pid) argv = readFileSync(`/proc/${child.pid}/cmdline`, "utf8");
      return { status: 400, body: { error: { code: "BAD_REQUEST", message: `Heroku refused the request ${body}` } } };
    });
    try {
      child = spawn(process.execPath, [BIN, "migrate:plan", "shop-heroku"], {
        env: {
          PATH: process.env.PATH,
          HOME: "/nonexistent",
          SKYPANEL_URL: stub.url,
          SKYPANEL_API_KEY: "spt_x",
          HEROKU_API_KEY: HEROKU_TOKEN,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (c) => {
        output += c;
      });
      child.stderr?.on("data", (c) => {
        output += c;
      });
      const code = await new Promise((r) => child?.on("close", r));
      expect(code).toBe(1);
      expect(JSON.parse(stub.requests[0]?.body ?? "").herokuToken).toBe(HEROKU_TOKEN);
      expect(argv).toContain("migrate:plan");
      expect(argv).not.toContain(HEROKU_TOKEN);
      expect(output).toContain('Heroku refused the request {"herokuApp":"shop-heroku","herokuToken":"[Heroku token]"}');
      expect(output).not.toContain(HEROKU_TOKEN);
    } finally {
      await stub.close();
    }
  });

  it("rollback without --confirm off a terminal exits 2 and sends nothing; with it, follows the import until it is rolled back", async () => {
    const rolledBack = importView(5, {
      status: "rolled_back",
      app: { id: null, name: "shop" },
      steps: STEPS.map((name) => step(name, "rolled_back")),
    });
    const stub = await importer([importView(5), rolledBack]);
    try {
      const refused = await runCli(["migrate:rollback", "imp_1"], { env: envFor(stub) });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("Off a terminal, add --confirm APP");
      expect(stub.requests).toEqual([]);

      const res = await runCli(["migrate:rollback", "imp_1", "--confirm", "shop"], { env: envFor(stub) });
      expect(res.code, res.stderr).toBe(0);
      expect(sent(stub)).toEqual(["POST /api/imports/imp_1/rollback", "GET /api/imports/imp_1", "GET /api/imports/imp_1"]);
      expect(bodyOf(stub, "POST /api/imports/imp_1/rollback")).toEqual({ confirm: "shop" });
      expect(res.stdout).toBe("Rolled back import imp_1: shop is gone\n");
      expect(res.stderr).toContain("  ↺ verify     rolled_back");
    } finally {
      await stub.close();
    }
  });

  it("rollback on a terminal asks for the app's name: the right one rolls back, another sends nothing more", async () => {
    const rolledBack = importView(5, { status: "rolled_back", app: { id: null, name: "shop" } });
    for (const [answer, code] of [
      ["shop", 0],
      ["shpo", 1],
    ] as const) {
      const stub = await importer([rolledBack]);
      try {
        // A terminal's stdin: the answer typed, then Enter (readline reads it as a terminal).
        const stdin = Object.assign(Readable.from([Buffer.from(`${answer}\r`)]), { isTTY: true }) as unknown as NodeJS.ReadStream;
        const res = await runCli(["migrate:rollback", "imp_1"], { env: envFor(stub), stdinStream: stdin });
        expect(res.code, res.stderr).toBe(code);
        expect(res.stderr).toContain("Type shop to confirm: ");
        if (code === 0) {
          expect(sent(stub)).toEqual(["GET /api/imports/imp_1", "POST /api/imports/imp_1/rollback", "GET /api/imports/imp_1"]);
          expect(bodyOf(stub, "POST /api/imports/imp_1/rollback")).toEqual({ confirm: "shop" });
        } else {
          expect(sent(stub)).toEqual(["GET /api/imports/imp_1"]);
          expect(res.stderr).toContain('"shpo" is not shop; nothing was rolled back.');
        }
      } finally {
        await stub.close();
      }
    }
  });

  it("verify exits 0 when the import and its verify step succeeded, 1 when the verify step failed", async () => {
    const good = await importer([importView(5)]);
    try {
      const res = await runCli(["migrate:verify", "imp_1"], { env: envFor(good, {}) });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain("Status: succeeded\n");
      expect(res.stdout).toContain("verify\tsucceeded\tverify done\n");
    } finally {
      await good.close();
    }
    const steps = [...importView(4).steps.slice(0, 4), step("verify", "failed", "GET / answered 503 three times")];
    const bad = await importer([importView(5, { steps })]);
    try {
      const res = await runCli(["migrate:verify", "imp_1"], { env: envFor(bad, {}) });
      expect(res.code).toBe(1);
      expect(res.stdout).toContain("verify\tfailed\tGET / answered 503 three times\n");
      expect(res.stderr).toContain("Error: The verify step failed: GET / answered 503 three times");
    } finally {
      await bad.close();
    }
  });
});
