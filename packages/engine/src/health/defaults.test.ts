import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { healthCheckFor } from "./defaults.ts";
import { runProbe } from "./probe.ts";
import { checkHealthCheckSettings, InvalidHealthCheckError } from "./settings.ts";
import { startHttpServer, type TestHttpServer } from "./test-servers.ts";

const plan = { processes: { web: "node server.js", worker: "node worker.js" } };

describe("the health check an instance gets", () => {
  it("web: HTTP GET / accepting anything below 500, every 10 s", () => {
    expect(healthCheckFor(plan, "web")).toEqual({
      probe: { kind: "http", path: "/", expectStatus: { min: 100, max: 499 } },
      intervalMs: 10_000,
      timeoutMs: 5_000,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
      startPeriodMs: 30_000,
    });
  });

  it("web: the user's endpoint, expected to answer 2xx or 3xx unless they say otherwise", () => {
    const config = healthCheckFor(plan, "web", { path: "/healthz", bodyMatch: "/ok/i", host: "shop.example.com", healthyThreshold: 2 });
    expect(config?.probe).toEqual({
      kind: "http",
      path: "/healthz",
      expectStatus: { min: 200, max: 399 },
      bodyMatch: "/ok/i",
      headers: { Host: "shop.example.com" },
    });
    expect(config?.healthyThreshold).toBe(2);
    expect(healthCheckFor(plan, "web", { path: "/healthz", expectStatus: 204 })?.probe).toMatchObject({ expectStatus: 204 });
  });

  it("web: TCP, a command, or nothing when the user says so", () => {
    expect(healthCheckFor(plan, "web", { type: "tcp" })?.probe).toEqual({ kind: "tcp" });
    expect(healthCheckFor(plan, "web", { command: "curl -fsS localhost:$PORT/ready" })?.probe).toEqual({
      kind: "command",
      command: "sh",
      args: ["-c", "curl -fsS localhost:$PORT/ready"],
    });
    expect(healthCheckFor(plan, "web", { type: "none" })).toBeNull();
  });

  it("worker: none by default, a command when given; never HTTP or TCP, having no port", () => {
    expect(healthCheckFor(plan, "worker")).toBeNull();
    expect(healthCheckFor(plan, "worker", { command: "test -f /tmp/alive", intervalSeconds: 30 })).toMatchObject({
      probe: { kind: "command", command: "sh", args: ["-c", "test -f /tmp/alive"] },
      intervalMs: 30_000,
      timeoutMs: 5_000,
    });
    expect(() => healthCheckFor(plan, "worker", { type: "http" })).toThrow(/only web processes get one; use a command check for "worker"/);
    expect(() => healthCheckFor(plan, "worker", { type: "tcp" })).toThrow(InvalidHealthCheckError);
  });

  it("keeps the default timeout under a short interval", () => {
    expect(healthCheckFor(plan, "web", { intervalSeconds: 2 })).toMatchObject({ intervalMs: 2_000, timeoutMs: 1_000 });
    expect(healthCheckFor(plan, "web", { intervalSeconds: 1.5, timeoutSeconds: 0.25, startPeriodSeconds: 0 })).toMatchObject({
      intervalMs: 1_500,
      timeoutMs: 250,
      startPeriodMs: 0,
    });
  });

  it("refuses a process type the release does not have", () => {
    expect(() => healthCheckFor(plan, "clock")).toThrow(
      'Health check processType: this release has no "clock" process (it has web, worker).',
    );
  });

  describe("the default web check against a real app", () => {
    let server: TestHttpServer;
    let rootStatus = 404;
    beforeAll(async () => {
      server = await startHttpServer((_req, res) => {
        res.statusCode = rootStatus;
        res.end();
      });
    });
    afterAll(() => server.close());

    it("counts an app answering 404 at / as up, and one answering 500 as down", async () => {
      const config = healthCheckFor(plan, "web");
      if (!config) throw new Error("web has a check");
      const target = { address: "127.0.0.1", port: server.port };
      expect(await runProbe(config.probe, target, { timeoutMs: config.timeoutMs })).toMatchObject({ ok: true, detail: "HTTP 404 from /" });
      rootStatus = 500;
      expect(await runProbe(config.probe, target, { timeoutMs: config.timeoutMs })).toMatchObject({
        ok: false,
        detail: "HTTP 500 from / (expected 100–499)",
      });
    });
  });
});

describe("health check settings", () => {
  const refused: [string, unknown, RegExp][] = [
    ["a path without a leading slash", { path: "health" }, /^Health check path: must start with "\/"/],
    ["a path with a space", { path: "/he alth" }, /path: must not contain spaces/],
    ["a path with a newline", { path: "/health\r\nX-Evil: 1" }, /path: must not contain spaces or control characters/],
    ["a threshold of 0", { healthyThreshold: 0 }, /healthyThreshold: must be a whole number from 1 to 10 consecutive checks/],
    ["a threshold of 11", { unhealthyThreshold: 11 }, /unhealthyThreshold: must be a whole number from 1 to 10/],
    ["a fractional threshold", { unhealthyThreshold: 2.5 }, /unhealthyThreshold: must be a whole number/],
    ["a threshold given as text", { healthyThreshold: "2" }, /healthyThreshold: must be a whole number/],
    ["an interval under 1 s", { intervalSeconds: 0.5 }, /intervalSeconds: must be a number from 1 to 300 seconds/],
    ["an interval over 300 s", { intervalSeconds: 301 }, /intervalSeconds: must be a number from 1 to 300 seconds/],
    [
      "a timeout equal to the interval",
      { intervalSeconds: 5, timeoutSeconds: 5 },
      /timeoutSeconds: must be less than the interval of 5 seconds/,
    ],
    [
      "a timeout over the default interval",
      { timeoutSeconds: 20 },
      /timeoutSeconds: must be less than the default interval of 10 seconds; set intervalSeconds too/,
    ],
    ["a timeout of 0", { timeoutSeconds: 0 }, /timeoutSeconds: must be a number of seconds above 0/],
    ["a start period over 10 minutes", { startPeriodSeconds: 601 }, /startPeriodSeconds: must be a number from 0 to 600 seconds/],
    ["a regex that does not compile", { bodyMatch: "/(unclosed/" }, /bodyMatch: is not a valid regular expression/],
    ["a regex with the g flag", { bodyMatch: "/ok/g" }, /bodyMatch: flags may only be i, m, s and u/],
    ["an absurdly long body match", { bodyMatch: `/${"(a+)+".repeat(50)}/` }, /bodyMatch: must be text of 1 to 200 characters/],
    ["an empty body match", { bodyMatch: "" }, /bodyMatch: must be text of 1 to 200 characters/],
    ["a status out of range", { expectStatus: 600 }, /expectStatus: must be an HTTP status \(100–599\)/],
    ["a backwards status range", { expectStatus: { min: 500, max: 200 } }, /expectStatus: .*min ≤ max/],
    ["a Host with a space", { host: "bad host" }, /host: must be a host name/],
    ["an unknown type", { type: "udp" }, /type: must be one of http, tcp, command, none/],
    ["an HTTP setting on a TCP check", { type: "tcp", path: "/health" }, /path: only applies to http checks, and this one is tcp/],
    ["a command on an HTTP check", { type: "http", command: "true" }, /command: only applies to command checks, and this one is http/],
    ["a command check without a command", { type: "command" }, /command: is required for a command check/],
    ["a command over several lines", { command: "true\nrm -rf /" }, /command: must be one line/],
    ["a blank command", { command: "  " }, /command: must be a command line of 1 to 1000 characters/],
    ["a setting that does not exist", { intervalMs: 5000 }, /^Health check intervalMs: is not a setting; the settings are type, path,/],
    ["settings that are not an object", ["/health"], /settings: must be an object/],
  ];

  it.each(refused)("refuses %s with a ValidationError naming the setting", (_name, settings, message) => {
    let error: unknown;
    try {
      checkHealthCheckSettings(settings);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidHealthCheckError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) });
    expect((error as InvalidHealthCheckError).details.setting).toBe((error as InvalidHealthCheckError).setting);
  });

  it("accepts the limits themselves and returns what it was given", () => {
    const settings = {
      type: "http",
      path: "/health?verbose=1",
      expectStatus: { min: 200, max: 204 },
      bodyMatch: "/^ok$/imsu",
      host: "[::1]:8080",
      intervalSeconds: 300,
      timeoutSeconds: 299.5,
      startPeriodSeconds: 600,
      healthyThreshold: 10,
      unhealthyThreshold: 1,
    };
    expect(checkHealthCheckSettings(settings)).toEqual(settings);
    expect(checkHealthCheckSettings({ intervalSeconds: 1, timeoutSeconds: 0.5 })).toEqual({ intervalSeconds: 1, timeoutSeconds: 0.5 });
    expect(checkHealthCheckSettings(undefined)).toEqual({});
  });
});
