import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryEventBus } from "../events/bus.ts";
import { httpStatusOf } from "./http-status.ts";
import { createLogStore, type LogStore } from "./store.ts";

describe("the HTTP status of an access line", () => {
  it.each([
    ["at=info method=GET path=/ status=503 bytes=12", 503],
    ['{"level":30,"req":{"method":"GET"},"statusCode":404}', 404],
    ['{"status":"201","msg":"created"}', 201],
    ['10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET /api/users HTTP/1.1" 500 1234 "-" "curl/8"', 500],
    ["GET /health \u001b[32m200\u001b[0m 1.234 ms - 2", 200],
    ["POST /orders 422 12.1 ms", 422],
    ["listening on 5000", null],
    ["status=999 is not a status", null],
    ["took 500 ms", null],
  ] as const)("%j is %s", (line, status) => {
    expect(httpStatusOf(line)).toBe(status);
  });
});

const APP = "5f0c2a3e-0000-4000-8000-00000000000a";
const OTHER = "5f0c2a3e-0000-4000-8000-00000000000b";
const WEB1 = "1a2b3c4d-0000-4000-8000-000000000001";
const WORKER1 = "9f8e7d6c-0000-4000-8000-000000000002";

describe.each(TEST_DRIVERS)("searching an app's log with the search language on %s", (driver) => {
  let t: TestDatabase;
  let store: LogStore;
  const find = async (q: string) => (await store.query(APP, { q, tail: 1000 })).map((l) => l.line);

  beforeAll(async () => {
    t = await createTestDatabase(driver);
    store = createLogStore(t.sql, memoryEventBus());
    await store.ensurePartitions();
    const hourAgo = new Date(Date.now() - 3 * 3_600_000);
    store.append([
      { appId: APP, instanceId: WEB1, processType: "web", line: "Error: connect ECONNREFUSED 10.0.0.5:5432", loggedAt: hourAgo },
      { appId: APP, instanceId: WEB1, processType: "web", line: "connection refused by db.internal" },
      { appId: APP, instanceId: WEB1, processType: "web", line: "connection; refused, retrying" },
      { appId: APP, instanceId: WEB1, processType: "web", line: '10.0.0.1 - - [x] "GET /api/users HTTP/1.1" 500 12 "-" "curl"' },
      { appId: APP, instanceId: WEB1, processType: "web", line: "at=info method=GET path=/healthcheck status=200" },
      { appId: APP, instanceId: WEB1, processType: "web", line: "at=info method=GET path=/missing status=404" },
      { appId: APP, instanceId: WORKER1, processType: "worker", line: "job 7 timeout after 30s" },
      { appId: APP, instanceId: WORKER1, processType: "worker", level: "warn", line: "job 8 Timeout -> retry" },
      { appId: APP, processType: "web", line: "user=ada@example.com signed in with 2FA" },
      { appId: OTHER, processType: "web", line: "timeout in another app" },
    ]);
    await store.flush();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("finds words, case-insensitively, as whole words, including the parts of paths, hosts and addresses", async () => {
    expect(await find("timeout")).toEqual(["job 7 timeout after 30s", "job 8 Timeout -> retry"]);
    expect(await find("TIMEOUT job")).toHaveLength(2);
    expect(await find("time")).toEqual([]);
    expect(await find("users")).toEqual(['10.0.0.1 - - [x] "GET /api/users HTTP/1.1" 500 12 "-" "curl"']);
    expect(await find("internal")).toEqual(["connection refused by db.internal"]);
    expect(await find("example")).toEqual(["user=ada@example.com signed in with 2FA"]);
    expect(await find("2fa")).toEqual(["user=ada@example.com signed in with 2FA"]);
  });

  it("finds a phrase only as written (any case), not the same words around punctuation", async () => {
    expect(await find('"connection refused"')).toEqual(["connection refused by db.internal"]);
    expect(await find('"CONNECTION REFUSED" db')).toEqual(["connection refused by db.internal"]);
    expect(await find('"GET /api/users"')).toHaveLength(1);
    expect(await find('"get api users"')).toEqual([]);
    expect(await find("/api/users")).toHaveLength(1);
    expect(await find("10.0.0.5:5432")).toEqual(["Error: connect ECONNREFUSED 10.0.0.5:5432"]);
    // No word at all in it: matched as text.
    expect(await find("->")).toEqual(["job 8 Timeout -> retry"]);
  });

  it("leaves out excluded words and phrases", async () => {
    expect(await find("connection -retrying")).toEqual(["connection refused by db.internal"]);
    expect(await find('connection -"connection refused"')).toEqual(["connection; refused, retrying"]);
    expect(await find("job -timeout")).toEqual([]);
    expect(await find("job ->")).toEqual(["job 8 Timeout -> retry"]);
    expect(await find("-at -connection -job -user -timeout -error")).toEqual([
      '10.0.0.1 - - [x] "GET /api/users HTTP/1.1" 500 12 "-" "curl"',
    ]);
  });

  it("narrows by level, status, process, instance and age", async () => {
    expect(await find("level:warn")).toEqual(["job 8 Timeout -> retry"]);
    expect(await find("level:error")).toEqual(["Error: connect ECONNREFUSED 10.0.0.5:5432"]);
    expect(await find("status:500..599")).toEqual(['10.0.0.1 - - [x] "GET /api/users HTTP/1.1" 500 12 "-" "curl"']);
    expect(await find("status:404")).toEqual(["at=info method=GET path=/missing status=404"]);
    expect(await find("status:2xx,4xx")).toHaveLength(2);
    expect(await find("status:100..199")).toEqual([]);
    expect(await find("process:worker -timeout")).toEqual([]);
    expect(await find("process:worker")).toHaveLength(2);
    expect(await find("instance:9f8e")).toHaveLength(2);
    expect(await find(`instance:${WORKER1} level:warn`)).toEqual(["job 8 Timeout -> retry"]);
    expect(await find("ECONNREFUSED since:1h")).toEqual([]);
    expect(await find("ECONNREFUSED since:4h")).toHaveLength(1);
  });

  it("keeps hostile text a value: SQL and tsquery syntax are searched for, never run", async () => {
    expect(await find("'); DROP TABLE app_logs; --")).toEqual([]);
    expect(await find('"a:*" | !b & (c)')).toEqual([]);
    expect(await find('"%" _')).toEqual([]);
    expect((await store.query(APP, { tail: 1000 })).length).toBe(9);
  });

  it("refuses a bad query with the parser's error", async () => {
    await expect(store.query(APP, { q: 'connection "refused' })).rejects.toThrow(/quote at character 12 is never closed/);
  });

  it("uses the GIN index for words (the planner is told not to scan the table)", async () => {
    await t.sql.exec("SET enable_seqscan = off");
    const plan = await t.sql.query<Record<string, string>>(
      "EXPLAIN SELECT id FROM app_logs WHERE search @@ phraseto_tsquery('simple', 'timeout')",
    );
    await t.sql.exec("RESET enable_seqscan");
    expect(plan.map((r) => Object.values(r)[0]).join("\n")).toMatch(/Bitmap Index Scan on app_logs_\d{8}_search_idx/);
  });
});
