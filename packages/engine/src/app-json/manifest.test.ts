// app.json as Heroku documents it, and every shape SkyPanel refuses, named by its place in the file.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { MAX_QUANTITY } from "../formation/index.ts";
import { MAX_APP_JSON_BYTES, parseAppJson } from "./manifest.ts";

// The shape of Heroku's documented example, with a SkyPanel health check and a Redis add-on added.
const HEROKU_EXAMPLE = {
  name: "Small Sharp Tool",
  description: "This app does one little thing, and does it well.",
  keywords: ["productivity", "HTML5", "scalpel"],
  website: "https://small-sharp-tool.com/",
  repository: "https://github.com/jane-doe/small-sharp-tool",
  logo: "https://small-sharp-tool.com/logo.svg",
  success_url: "/welcome",
  scripts: { postdeploy: "bundle exec rake bootstrap", "pr-predestroy": "bundle exec rake cleanup" },
  env: {
    SECRET_TOKEN: { description: "A secret key for verifying the integrity of signed cookies.", generator: "secret" },
    WEB_CONCURRENCY: { description: "The number of processes to run.", value: "5" },
    RAILS_ENV: "production",
    SENTRY_DSN: { description: "Where errors are reported.", required: false },
    STRIPE_KEY: { description: "Your Stripe secret key." },
  },
  formation: { web: { quantity: 1, size: "standard-1x" }, worker: { quantity: 2, size: "standard-2x" }, clock: {} },
  image: "heroku/ruby",
  addons: [
    "openredis",
    { plan: "mongolab:shared-single-small", as: "MONGO" },
    { plan: "heroku-postgresql", options: { version: "9.5" } },
    "heroku-redis:mini",
    "heroku-keyvalue",
  ],
  buildpacks: [{ url: "https://github.com/stomita/heroku-buildpack-phantomjs" }, { url: "heroku/ruby" }],
  stack: "heroku-24",
  environments: { test: { scripts: { test: "bundle exec rake test" } } },
  healthchecks: { web: { path: "/health", expectStatus: 200, intervalSeconds: 15 }, worker: { type: "none" } },
};

const parse = (doc: unknown) => parseAppJson(JSON.stringify(doc));
const withKey = (key: string, value: unknown) => parse({ ...HEROKU_EXAMPLE, [key]: value });

/** The ValidationError parseAppJson throws for `doc`. */
function refusal(doc: unknown): ValidationError {
  try {
    parse(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error("app.json was accepted");
}

describe("parseAppJson: Heroku's documented app.json", () => {
  it("reads every part SkyPanel honours, in file order, and ignores the rest", () => {
    const manifest = parse(HEROKU_EXAMPLE);
    expect(manifest).toEqual({
      name: "Small Sharp Tool",
      description: "This app does one little thing, and does it well.",
      env: [
        {
          key: "SECRET_TOKEN",
          required: true,
          description: "A secret key for verifying the integrity of signed cookies.",
          generator: "secret",
        },
        { key: "WEB_CONCURRENCY", value: "5", required: true, description: "The number of processes to run." },
        { key: "RAILS_ENV", value: "production", required: true },
        { key: "SENTRY_DSN", required: false, description: "Where errors are reported." },
        { key: "STRIPE_KEY", required: true, description: "Your Stripe secret key." },
      ],
      formation: [
        { type: "web", quantity: 1, size: "standard-1x" },
        { type: "worker", quantity: 2, size: "standard-2x" },
        // Heroku's default quantities when none is given: one web, no others.
        { type: "clock", quantity: 0 },
      ],
      addons: [
        { service: "openredis", plan: null, as: null, becomes: null },
        { service: "mongolab", plan: "shared-single-small", as: "MONGO", becomes: null },
        { service: "heroku-postgresql", plan: null, as: null, becomes: "postgresql" },
        { service: "heroku-redis", plan: "mini", as: null, becomes: "redis" },
        { service: "heroku-keyvalue", plan: null, as: null, becomes: "redis" },
      ],
      postdeploy: "bundle exec rake bootstrap",
      buildpacks: ["https://github.com/stomita/heroku-buildpack-phantomjs", "heroku/ruby"],
      stack: "heroku-24",
      healthchecks: { web: { path: "/health", expectStatus: 200, intervalSeconds: 15 }, worker: { type: "none" } },
    });
  });

  it("an empty object is an app.json with nothing to honour", () => {
    expect(parseAppJson("{}")).toEqual({
      env: [],
      formation: [],
      addons: [],
      postdeploy: null,
      buildpacks: [],
      stack: null,
      healthchecks: {},
    });
  });

  it("takes postdeploy as Heroku's { command, size } object, and a byte-order mark before the JSON", () => {
    const manifest = parseAppJson(`\uFEFF${JSON.stringify({ scripts: { postdeploy: { command: " bin/seed ", size: "performance-l" } } })}`);
    expect(manifest.postdeploy).toBe("bin/seed");
  });

  it("keeps a process type or config var named like an Object property as an ordinary entry", () => {
    const manifest = parseAppJson('{"formation": {"__proto__": {"quantity": 3}}, "healthchecks": {"__proto__": {"path": "/up"}}}');
    expect(manifest.formation).toEqual([{ type: "__proto__", quantity: 3 }]);
    expect(Object.hasOwn(manifest.healthchecks, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(manifest.healthchecks)).toBe(Object.prototype);
  });
});

describe("parseAppJson: refusals name the place in app.json", () => {
  it("text over 256 KiB", () => {
    const text = JSON.stringify({ description: "x".repeat(MAX_APP_JSON_BYTES) });
    expect(() => parseAppJson(text)).toThrow(/^app\.json: is 256\.\d+ KiB, more than the 256 KiB SkyPanel reads\.$/);
  });

  it("invalid JSON, with its line and column", () => {
    expect(() => parseAppJson('{\n  "env": {\n    "A": "1",\n  }\n}')).toThrow(
      /^app\.json: is not valid JSON: Expected double-quoted property name at line 4, column 3\.$/,
    );
    expect(() => parseAppJson('{"env": {')).toThrow(/^app\.json: is not valid JSON: .* at line 1, column 10\.$/);
    expect(() => parseAppJson("")).toThrow(/^app\.json: is not valid JSON: the text ends too early at line 1, column 1\.$/);
  });

  it("a document that is not an object", () => {
    expect(() => parseAppJson("[1, 2]")).toThrow("app.json: must be a JSON object { … }, not an array.");
    expect(() => parseAppJson("null")).toThrow("app.json: must be a JSON object { … }, not null.");
  });

  it.each(
    (
      [
        ["env", ["A"], "app.json env: must be an object of config vars"],
        ["env", { "1BAD": "x" }, 'app.json env.1BAD: "1BAD" is not a valid config var name.'],
        ["env", { "MY-VAR": "x" }, 'app.json env.MY-VAR: "MY-VAR" is not a valid config var name.'],
        ["env", { "has space": "x" }, 'app.json env["has space"]: "has space" is not a valid config var name.'],
        ["env", { SECRET_KEY: { generator: "uuid" } }, 'app.json env.SECRET_KEY.generator: only "secret" is supported.'],
        [
          "env",
          { WEB_CONCURRENCY: { value: 5 } },
          'app.json env.WEB_CONCURRENCY.value: must be a string (write "5" in quotes), not a number.',
        ],
        ["env", { WEB_CONCURRENCY: 5 }, "app.json env.WEB_CONCURRENCY: must be a string value or an object"],
        ["env", { DEBUG: { required: "no" } }, "app.json env.DEBUG.required: must be true or false, not a string."],
        ["env", { NAME: { value: "a\0b" } }, "app.json env.NAME.value: The value of NAME contains a NUL byte"],
        ["env", { NAME: { description: ["x"] } }, "app.json env.NAME.description: must be a string, not an array."],
        ["formation", [{ process: "web", quantity: 1 }], "app.json formation: must be an object of process types"],
        ["formation", { "web.1": { quantity: 1 } }, 'app.json formation["web.1"]: is not a valid process type name'],
        ["formation", { web: 2 }, 'app.json formation.web: must be an object { "quantity", "size" }, not a number.'],
        [
          "formation",
          { web: { quantity: MAX_QUANTITY + 1 } },
          `app.json formation.web.quantity: must be a whole number from 0 to ${MAX_QUANTITY}.`,
        ],
        ["formation", { web: { quantity: -1 } }, "app.json formation.web.quantity: must be a whole number from 0 to"],
        ["formation", { web: { quantity: 1.5 } }, "app.json formation.web.quantity: must be a whole number from 0 to"],
        ["formation", { web: { quantity: "2" } }, "app.json formation.web.quantity: must be a whole number from 0 to"],
        ["formation", { web: { size: "\u001b[2J" } }, "app.json formation.web.size: must be one line without control characters."],
        ["addons", "heroku-postgresql", "app.json addons: must be an array of add-ons, not a string."],
        ["addons", [42], "app.json addons[0]: must be an add-on name like"],
        ["addons", [["heroku-redis"]], "app.json addons[0]: must be an add-on name like"],
        ["addons", [{ as: "DB" }], "app.json addons[0].plan: must be an add-on name like"],
        ["addons", [{ plan: "heroku-postgresql", as: "my db" }], 'app.json addons[0].as: "my db" is not a valid config var name.'],
        ["addons", [{ plan: "heroku-postgresql", options: "9.5" }], "app.json addons[0].options: must be an object, not a string."],
        ["addons", ["heroku-redis", "Heroku Postgres"], 'app.json addons[1]: "Heroku Postgres" is not an add-on name'],
        [
          "addons",
          ["heroku-postgresql:essential-0:extra"],
          'app.json addons[0]: "heroku-postgresql:essential-0:extra" is not an add-on name',
        ],
        ["addons", [{ plan: "heroku-postgresql:" }], 'app.json addons[0].plan: "heroku-postgresql:" is not an add-on name'],
        [
          "addons",
          [
            { plan: "heroku-postgresql", as: "DB" },
            { plan: "heroku-postgresql", as: "DB" },
          ],
          "app.json addons[1].as: DB is already the name of addons[0]",
        ],
        ["scripts", "rake db:seed", "app.json scripts: must be an object"],
        [
          "scripts",
          { postdeploy: ["rake", "db:seed"] },
          'app.json scripts.postdeploy: must be a command, or an object { "command", "size" }',
        ],
        ["scripts", { postdeploy: { size: "standard-1x" } }, "app.json scripts.postdeploy.command: must be a command; it is missing."],
        ["scripts", { postdeploy: "   " }, "app.json scripts.postdeploy: is empty"],
        ["scripts", { postdeploy: { command: "x".repeat(17 * 1024) } }, "app.json scripts.postdeploy.command: must be at most 16 KiB"],
        ["buildpacks", "heroku/ruby", "app.json buildpacks: must be an array"],
        ["buildpacks", ["heroku/ruby"], 'app.json buildpacks[0]: must be an object { "url": … }, not a string.'],
        ["buildpacks", [{ url: "heroku/ruby" }, {}], "app.json buildpacks[1].url: is required"],
        ["stack", 24, "app.json stack: must be a string, not a number."],
        ["name", { en: "Tool" }, "app.json name: must be a string, not an object."],
        ["healthchecks", { web: "/health" }, "app.json healthchecks.web: must be an object."],
        ["healthchecks", { web: { path: "health" } }, 'app.json healthchecks.web.path: must start with "/"'],
        ["healthchecks", { web: { retries: 3 } }, "app.json healthchecks.web.retries: is not a setting"],
        ["healthchecks", { "web worker": {} }, 'app.json healthchecks["web worker"]: is not a valid process type name'],
      ] as const
    ).map(([key, value, message]) => ({ key, value, message })),
  )("$message", ({ key, value, message }) => {
    const err = refusal({ ...HEROKU_EXAMPLE, [key]: value });
    expect(err.message.slice(0, message.length)).toBe(message);
  });

  it("more config vars than one change may set", () => {
    const env = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`VAR_${i}`, "x"]));
    expect(() => withKey("env", env)).toThrow("app.json env: declares 501 config vars; an app is created with at most 500.");
  });

  it("more process types than an app may have", () => {
    const formation = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, { quantity: 0 }]));
    expect(() => withKey("formation", formation)).toThrow("app.json formation: names 51 process types; an app may have at most 50.");
  });

  it("the error says where, for the API to show next to the field", () => {
    const err = refusal({ env: { SECRET_KEY: { generator: "rsa" } } });
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.details).toEqual({ file: "app.json", path: "env.SECRET_KEY.generator" });
  });
});
