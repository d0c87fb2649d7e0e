import { describe, expect, it } from "vitest";
import { checkGatewayPort, throughGateway } from "./gateway.ts";
import { gatewayRoutes } from "./index.ts";

describe("the add-on gateway's addresses", () => {
  it("gives apps in containers the same credentials and database at the gateway", () => {
    expect(throughGateway("postgres://addon_1:p%40ss@127.0.0.1:5432/addon_1?sslmode=disable", 15432)).toBe(
      "postgres://addon_1:p%40ss@10.214.255.253:15432/addon_1?sslmode=disable",
    );
    expect(throughGateway("redis://addon_2:pw@localhost", 15479)).toBe("redis://addon_2:pw@10.214.255.253:15479");
  });

  it("forwards each registered server's port (default 5432 / 6379) from its gateway port", () => {
    expect(
      gatewayRoutes({
        postgresUrl: "postgres://admin@[::1]/postgres",
        redisUrl: "redis://cache.internal:6380",
        gatewayPorts: { redis: 15400 },
      }),
    ).toEqual([
      { type: "postgresql", route: { port: 15432, target: { host: "::1", port: 5432 } } },
      { type: "redis", route: { port: 15400, target: { host: "cache.internal", port: 6380 } } },
    ]);
    expect(gatewayRoutes({})).toEqual([]);
  });

  it("refuses a port outside the range containers may open", () => {
    expect(() => checkGatewayPort(5432)).toThrow(/15400-15499/);
    expect(() => gatewayRoutes({ postgresUrl: "postgres://x@db/postgres", gatewayPorts: { postgresql: 15500 } })).toThrow(/15400-15499/);
  });
});
