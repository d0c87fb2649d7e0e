// The dashboard's Logs tab with 100,000 live lines, in Chromium: an app that prints 100,000
// lines when it starts is deployed while the tab is open, so every line travels the real path
// (process stdout → supervisor → log store → bus → tRPC subscription over SSE → react-window).
// Measured: how long the lines take to arrive, the main thread's long tasks meanwhile, and frame
// times while scrolling through them against frame times of the same page sitting idle (the peer).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { FIXTURES } from "@skypanel/engine/build-testing";
import type { DashboardRow } from "./dashboard.bench.ts";

const LINES = Number(process.env.BENCH_LOG_LINES ?? 100_000);

/** The Express fixture, changed to print `LINES` numbered lines (in chunks, so it still answers) once it listens. */
function spewingSource() {
  const dir = join(mkdtempSync(join(tmpdir(), "skypanel-bench-logs-")), "app");
  cpSync(join(FIXTURES, "node-npm-express"), dir, { recursive: true });
  const server = join(dir, "server.js");
  writeFileSync(
    server,
    readFileSync(server, "utf8").replace(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's own source text, matched as it is.
      "app.listen(port, () => console.log(`listening on ${port}`));",
      `app.listen(port, () => {
  console.log(\`listening on \${port}\`);
  let n = 0;
  const chunk = () => {
    const out = [];
    for (let i = 0; i < 1000 && n < ${LINES}; i++) out.push(\`line \${++n} of ${LINES}: GET /orders/\${n} 200 in \${n % 97} ms\`);
    process.stdout.write(out.join("\\n") + "\\n");
    if (n < ${LINES}) setImmediate(chunk);
  };
  chunk();
});`,
    ),
  );
  const archive = join(dir, "..", "app.tar.gz");
  execFileSync("tar", ["-czf", archive, "-C", dir, "."]);
  return archive;
}

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Frame intervals (ms) over `frames` animation frames; with `scroll`, the log list moves a step each frame. */
async function frameTimes(page: Page, frames: number, scroll: boolean) {
  // tsx names the functions it compiles with a helper (__name) the page does not have.
  await page.evaluate("globalThis.__name ??= (f) => f");
  return page.evaluate(
    ({ frames, scroll }) =>
      new Promise<number[]>((resolve) => {
        const list = document.querySelector("[aria-label^='Log lines of']") as HTMLElement | null;
        const times: number[] = [];
        let last = performance.now();
        let i = 0;
        const tick = (now: number) => {
          times.push(now - last);
          last = now;
          if (scroll && list) list.scrollTop = (i / frames) * list.scrollHeight;
          if (++i < frames) requestAnimationFrame(tick);
          else resolve(times.slice(1));
        };
        requestAnimationFrame(tick);
      }),
    { frames, scroll },
  );
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

export async function logBenchmark(
  _browser: Browser,
  page: Page,
  url: string,
  token: string,
  progress: (line: string) => void,
): Promise<DashboardRow[]> {
  await api(url, token, "POST", "/api/apps", { name: "log-bench" });
  progress("building the log-spewing app");
  const form = new FormData();
  form.append("archive", new Blob([readFileSync(spewingSource())]), "app.tar.gz");
  const upload = await fetch(`${url}/api/apps/log-bench/builds`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (upload.status !== 202) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const buildId = ((await upload.json()) as { id: string }).id;
  for (;;) {
    const b = await api(url, token, "GET", `/api/apps/log-bench/builds/${buildId}`);
    if (b.status === "succeeded") break;
    if (b.status === "failed" || b.status === "cancelled") throw new Error(`the build ${b.status}: ${b.error}`);
    await new Promise((r) => setTimeout(r, 500));
  }

  await page.goto(`${url}/paas/apps/log-bench/logs`);
  await page.locator("[data-testid=app-log] [data-testid=log-connection][data-state=live]").waitFor();
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  progress(`deploying it with the Logs tab open; waiting for ${LINES.toLocaleString("en")} lines`);
  await api(url, token, "POST", "/api/apps/log-bench/deployments", { buildId });
  const count = async () => Number((await page.getByTestId("log-line-count").textContent())?.replace(/[^0-9]/g, "") || 0);
  while ((await count()) < 10) await new Promise((r) => setTimeout(r, 20));
  const first = performance.now();
  while ((await count()) < LINES) await new Promise((r) => setTimeout(r, 100));
  const arrived = performance.now() - first;
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);

  const idle = await frameTimes(page, 120, false);
  const scrolling = await frameTimes(page, 120, true);
  const domRows = await page.locator("[data-testid=app-log-line]").count();
  await api(url, token, "PUT", "/api/apps/log-bench/scale", { web: 0 });

  return [
    {
      benchmark: `${LINES.toLocaleString("en")} live log lines: first → last shown`,
      value: arrived,
      unit: "ms",
      runs: [arrived],
      note: `${Math.round(LINES / (arrived / 1000)).toLocaleString("en")} lines/s end to end`,
    },
    {
      benchmark: "Main-thread long tasks while they arrived (> 50 ms each)",
      value: longTasks.length,
      unit: "tasks",
      runs: [longTasks.length],
      note: `longest ${Math.round(Math.max(0, ...longTasks))} ms, total ${Math.round(longTasks.reduce((a, b) => a + b, 0))} ms`,
    },
    {
      benchmark: `Scrolling top → bottom through ${LINES.toLocaleString("en")} lines: p95 frame`,
      value: p95(scrolling),
      unit: "ms",
      runs: [p95(scrolling)],
      note: `idle page p95 frame ${Math.round(p95(idle) * 10) / 10} ms (peer); ${domRows} rows in the DOM`,
    },
  ];
}
