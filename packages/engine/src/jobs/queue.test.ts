import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJobQueue, type JobQueue } from "./queue.ts";

const waitFor = async (check: () => Promise<boolean>, ms = 10_000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
};

describe.each(TEST_DRIVERS)("durable job queue on %s", (driver) => {
  let t: TestDatabase;
  let queue: JobQueue | null = null;
  beforeEach(async () => {
    t = await createTestDatabase(driver);
  });
  afterEach(async () => {
    await queue?.stop({ interrupt: true });
    queue = null;
    await t.drop();
  });
  const status = async (id: string) => (await t.sql.query<{ status: string }>("SELECT status FROM jobs WHERE id = $1", [id]))[0]?.status;

  it("runs queued jobs, at most `concurrency` at once, and records results", async () => {
    let active = 0;
    let peak = 0;
    queue = createJobQueue({
      db: t.db,
      concurrency: 2,
      pollMs: 50,
      handlers: {
        work: {
          timeoutMs: 10_000,
          run: async (job) => {
            active++;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 150));
            active--;
            return { doubled: (job.payload as { n: number }).n * 2 };
          },
        },
      },
    });
    await queue.start();
    const jobs = await Promise.all([1, 2, 3, 4, 5].map((n) => queue?.enqueue("work", { n })));
    await waitFor(async () => (await Promise.all(jobs.map((j) => status(j?.id ?? "")))).every((s) => s === "succeeded"));
    expect(peak).toBe(2);
    const [row] = await t.sql.query<{ result: unknown }>("SELECT result FROM jobs WHERE id = $1", [jobs[2]?.id]);
    expect(row?.result).toEqual({ doubled: 6 });
  });

  it("cancels a queued job at once and a running one through its abort signal", async () => {
    let sawAbort = false;
    queue = createJobQueue({
      db: t.db,
      concurrency: 1,
      pollMs: 50,
      handlers: {
        slow: {
          timeoutMs: 60_000,
          run: (_job, signal) =>
            new Promise((_resolve, reject) =>
              signal.addEventListener("abort", () => {
                sawAbort = true;
                reject(new Error("stopped"));
              }),
            ),
        },
      },
    });
    await queue.start();
    const first = await queue.enqueue("slow", {});
    const second = await queue.enqueue("slow", {});
    await waitFor(async () => (await status(first.id)) === "running");
    expect(await queue.cancel(second.id)).toBe("cancelled");
    expect(await status(second.id)).toBe("cancelled");
    expect(await queue.cancel(first.id)).toBe("aborting");
    await waitFor(async () => (await status(first.id)) === "cancelled");
    expect(sawAbort).toBe(true);
  });

  it("fails a job that runs past its timeout", async () => {
    queue = createJobQueue({
      db: t.db,
      concurrency: 1,
      pollMs: 50,
      handlers: {
        hang: {
          timeoutMs: 200,
          run: (_job, signal) => new Promise((_r, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
        },
      },
    });
    await queue.start();
    const job = await queue.enqueue("hang", {});
    await waitFor(async () => (await status(job.id)) === "failed");
    const [row] = await t.sql.query<{ error: string }>("SELECT error FROM jobs WHERE id = $1", [job.id]);
    expect(row?.error).toMatch(/timed out/);
  });

  it("after a restart, runs again what the previous run left running, or gives up when out of attempts", async () => {
    // What a control plane killed mid-job leaves behind.
    const [retry] = await t.sql.query<{ id: string }>(
      "INSERT INTO jobs (kind, status, attempts, max_attempts, locked_by, heartbeat_at) VALUES ('work', 'running', 1, 2, 'host-a/dead', now()) RETURNING id",
    );
    const [spent] = await t.sql.query<{ id: string }>(
      "INSERT INTO jobs (kind, status, attempts, max_attempts, locked_by, heartbeat_at) VALUES ('work', 'running', 2, 2, 'host-a/dead', now()) RETURNING id",
    );
    // A live peer's job: fresh heartbeat, another host. It must be left alone.
    const [peer] = await t.sql.query<{ id: string }>(
      "INSERT INTO jobs (kind, status, attempts, max_attempts, locked_by, heartbeat_at) VALUES ('work', 'running', 1, 2, 'host-b/alive', now()) RETURNING id",
    );
    const abandoned: string[] = [];
    const ran: string[] = [];
    queue = createJobQueue({
      db: t.db,
      hostId: "host-a",
      concurrency: 1,
      pollMs: 50,
      handlers: {
        work: {
          timeoutMs: 5000,
          run: async (job) => {
            ran.push(job.id);
          },
          onAbandoned: async (job) => {
            abandoned.push(job.id);
          },
        },
      },
    });
    await queue.start();
    await waitFor(async () => (await status(retry?.id ?? "")) === "succeeded");
    expect(ran).toEqual([retry?.id]);
    expect(await status(spent?.id ?? "")).toBe("failed");
    expect(abandoned).toEqual([spent?.id]);
    expect(await status(peer?.id ?? "")).toBe("running");
  });
});
