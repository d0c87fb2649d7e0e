import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, type StubLogEntry, stubApp, stubFormation, stubInstance, stubLogEntry } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";
import { AppLogList } from "./AppLogList.tsx";
// The tab is lazy; loading it here keeps the first test from timing out on the import.
import "./LogViewer.tsx";

const ESC = "\u001b";
const WEB = stubInstance("web-shop", 1);
const WORKER = stubInstance("web-shop", 2, { processType: "worker" });

function openLogs(logs: StubLogEntry[] = [], extra: { released?: boolean } = {}) {
  const backend = createStubBackend({
    apps: [stubApp("web-shop", extra.released ? { currentReleaseId: "r0000001-0000-4000-8000-000000000000" } : {})],
    runtime: {
      logs,
      instances: extra.released ? [WEB, WORKER] : [],
      formation: extra.released ? [stubFormation("web-shop", "web", 1), stubFormation("web-shop", "worker", 1)] : [],
    },
  });
  const view = renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/logs" });
  return { backend, ...view };
}

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => stubLogEntry("web-shop", from + i));
const followCalls = (backend: ReturnType<typeof openLogs>["backend"]) =>
  backend.state.calls.filter((c) => c.path === "logs.follow").map((c) => c.input as Record<string, unknown>);
const connection = () => screen.getByTestId("log-connection");
const isLive = () => waitFor(() => expect(connection().dataset.state).toBe("live"));
// happy-dom moves scrollTop but, unlike a browser, fires no scroll event: fire it, so the list redraws its window.
const rows = () => {
  const list = screen.queryByRole("list", { name: "Log lines of web-shop" });
  if (list) fireEvent.scroll(list);
  return screen.queryAllByTestId("app-log-line");
};
/** The Logs tab with lines 1…n streamed in and the stream live. */
async function openLive(n: number) {
  const opened = openLogs(numbered(1, n));
  await waitFor(() => expect(rows()).toHaveLength(n));
  await isLive();
  return opened;
}
const texts = () => rows().map((r) => within(r).getByTestId("log-text").textContent);

afterEach(() => vi.restoreAllMocks());

describe("LogViewer (stub tRPC server behind fetch, logs.follow over SSE)", () => {
  it("streams the stored lines and then live ones, each with its time, process and instance, and level in its colour", async () => {
    const { backend } = openLogs([
      stubLogEntry("web-shop", 1, { instanceId: WEB.id, line: "listening on :5000" }),
      stubLogEntry("web-shop", 2, { processType: "worker", level: "error", line: `${ESC}[31mjob 7 failed${ESC}[0m: timeout` }),
      stubLogEntry("web-shop", 3, { processType: null, source: "platform", level: "debug", line: "health check passed" }),
    ]);
    await waitFor(() => expect(rows()).toHaveLength(3));
    await isLive();
    const [web, worker, platform] = rows();
    expect(within(web as HTMLElement).getByTestId("log-process").textContent).toBe("web.i0000001");
    expect(within(web as HTMLElement).getByTestId("log-level").textContent).toBe("info");
    expect(web?.querySelector("time")?.getAttribute("datetime")).toBe("2025-01-02T03:04:06.000Z");
    expect(within(worker as HTMLElement).getByTestId("log-process").textContent).toBe("worker");
    expect(within(worker as HTMLElement).getByTestId("log-level").className).toContain("text-red-400");
    expect(screen.getByText("job 7 failed").className).toContain("text-red-400");
    expect(within(worker as HTMLElement).getByTestId("log-text").textContent).toBe("job 7 failed: timeout");
    expect(within(platform as HTMLElement).getByTestId("log-process").textContent).toBe("platform");
    expect(within(platform as HTMLElement).getByTestId("log-level").className).toContain("text-slate-400");

    backend.appendAppLog([stubLogEntry("web-shop", 4, { level: "warn", line: "slow request: 2.3 s" })]);
    await waitFor(() => expect(texts()).toContain("slow request: 2.3 s"));
    expect(within(rows()[3] as HTMLElement).getByTestId("log-level").className).toContain("text-amber-300");
    expect(screen.getByTestId("log-line-count").textContent).toBe("4 lines");
    expect(followCalls(backend)).toEqual([{ app: "web-shop", tail: 10_000, lastEventId: null }]);
  });

  it("restarts the stream with each new filter sent to the server, debounces the search, and keeps the filters after leaving the tab", async () => {
    const { backend } = openLogs(
      [
        stubLogEntry("web-shop", 1, { level: "debug", line: "cache warm" }),
        stubLogEntry("web-shop", 2, { processType: "worker", instanceId: WORKER.id, level: "error", line: "job 7 failed" }),
        stubLogEntry("web-shop", 3, { processType: "worker", instanceId: WORKER.id, line: "job 8 done" }),
      ],
      { released: true },
    );
    await waitFor(() => expect(rows()).toHaveLength(3));

    await userEvent.click(screen.getByRole("checkbox", { name: "Debug" }));
    await waitFor(() => expect(followCalls(backend).at(-1)).toMatchObject({ levels: ["info", "warn", "error"] }));
    await waitFor(() => expect(texts()).toEqual(["job 7 failed", "job 8 done"]));

    await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Process type" }), "worker");
    await waitFor(() => expect(followCalls(backend).at(-1)).toMatchObject({ processType: "worker" }));
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Instance" }), "worker.i0000002 (running)");
    await waitFor(() => expect(followCalls(backend).at(-1)).toMatchObject({ instanceId: WORKER.id }));

    const before = followCalls(backend).length;
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "failed");
    await waitFor(() => expect(texts()).toEqual(["job 7 failed"]));
    // One new stream for the whole word, not one per keystroke.
    expect(followCalls(backend).slice(before)).toEqual([
      {
        app: "web-shop",
        tail: 10_000,
        levels: ["info", "warn", "error"],
        processType: "worker",
        instanceId: WORKER.id,
        q: "failed",
        lastEventId: null,
      },
    ]);

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Time range" }), "Last hour");
    await waitFor(() => expect(followCalls(backend).at(-1)?.since).toBeInstanceOf(Date));
    const since = followCalls(backend).at(-1)?.since as Date;
    expect(Math.abs(Date.now() - 3_600_000 - since.getTime())).toBeLessThan(60_000);
    // Lines from 2025 are older than the last hour.
    await waitFor(() => expect(screen.getByTestId("logs-empty").textContent).toContain("No lines match these filters yet"));

    await userEvent.click(screen.getByRole("link", { name: "Overview" }));
    await screen.findByTestId("location");
    await waitFor(() => expect(screen.queryByRole("checkbox", { name: "Debug" })).toBeNull());
    const streams = followCalls(backend).length;
    await userEvent.click(screen.getByRole("link", { name: "Logs" }));
    expect(((await screen.findByRole("checkbox", { name: "Debug" })) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole("searchbox", { name: "Search" }) as HTMLInputElement).value).toBe("failed");
    expect((screen.getByRole("combobox", { name: "Time range" }) as HTMLSelectElement).value).toBe("1h");
    await waitFor(() => expect(followCalls(backend).length).toBe(streams + 1));
    expect(followCalls(backend).at(-1)).toMatchObject({ processType: "worker", instanceId: WORKER.id, q: "failed" });
  });

  it("says Reconnecting… when the connection drops, then resumes after the last line it had: none lost, none twice", async () => {
    const { backend } = await openLive(3);

    backend.network.offline = true;
    backend.network.drop();
    await waitFor(() => expect(connection().dataset.state).toBe("reconnecting"));
    expect(connection().textContent).toContain("Reconnecting…");
    // Written while the browser was cut off.
    backend.appendAppLog(numbered(4, 5));

    backend.network.offline = false;
    await isLive();
    backend.appendAppLog(numbered(6, 6));
    await waitFor(() => expect(texts()).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5", "line 6"]));
    expect(followCalls(backend).map((c) => c.lastEventId)).toEqual([null, "3"]);
  });

  it("shows the stream's failure with a retry that continues after the last line", async () => {
    const { backend } = await openLive(2);

    backend.state.loggedIn = false;
    backend.network.drop();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The log stream stopped.");
    expect(alert.textContent).toContain("Log in first.");
    expect(connection().dataset.state).toBe("disconnected");
    expect(rows()).toHaveLength(2);

    backend.state.loggedIn = true;
    backend.appendAppLog(numbered(3, 3));
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    await isLive();
    await waitFor(() => expect(texts()).toEqual(["line 1", "line 2", "line 3"]));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(followCalls(backend).at(-1)?.lastEventId).toBe("2");
  });

  it("downloads the loaded lines as plain text with time, process and level, named after the app and the date", async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return "blob:logs";
    });
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    openLogs([
      stubLogEntry("web-shop", 1, { instanceId: WEB.id, line: "listening on :5000" }),
      stubLogEntry("web-shop", 2, { processType: "worker", level: "error", line: `${ESC}[1;31mjob 7 failed${ESC}[0m` }),
    ]);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.click(screen.getByRole("button", { name: "Download logs" }));

    expect(names).toEqual([`web-shop-logs-${new Date().toISOString().slice(0, 10)}.txt`]);
    expect(await blobs[0]?.text()).toBe(
      "2025-01-02T03:04:06.000Z web.i0000001 INFO  listening on :5000\n2025-01-02T03:04:07.000Z worker ERROR job 7 failed\n",
    );
  });

  it("says the app has never run when it has no release, no instance and no line", async () => {
    openLogs();
    await isLive();
    await waitFor(() => expect(screen.getByTestId("logs-empty").textContent).toContain("web-shop has never run"));
    expect((screen.getByRole("button", { name: "Download logs" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("says no line matches the filters yet, and clearing them shows every line and empties the search box", async () => {
    const { backend } = openLogs(numbered(1, 2), { released: true });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "nowhere");
    expect((await screen.findByTestId("logs-empty")).textContent).toContain("No lines match these filters yet");

    await userEvent.click(screen.getByRole("button", { name: "Show all lines" }));
    await waitFor(() => expect(texts()).toEqual(["line 1", "line 2"]));
    expect((screen.getByRole("searchbox", { name: "Search" }) as HTMLInputElement).value).toBe("");
    expect(followCalls(backend).at(-1)).toEqual({ app: "web-shop", tail: 10_000, lastEventId: null });
  });

  it("searches in the log search language, hints at its syntax, and says what is wrong with a bad search under the box", async () => {
    const { backend } = openLogs(
      [
        stubLogEntry("web-shop", 1, { level: "error", line: "connection refused by db" }),
        stubLogEntry("web-shop", 2, { level: "error", line: "connection refused, retrying" }),
        stubLogEntry("web-shop", 3, { line: "connection refused in a test" }),
      ],
      { released: true },
    );
    await waitFor(() => expect(rows()).toHaveLength(3));
    const box = screen.getByRole("searchbox", { name: "Search" });
    expect(screen.getByTestId("log-search-syntax").textContent).toMatch(/"a phrase".*-word.*level:error.*status:500..599.*since:30m/);

    await userEvent.type(box, '"connection refused" -retrying level:error');
    await waitFor(() => expect(texts()).toEqual(["connection refused by db"]));
    expect(followCalls(backend).at(-1)).toMatchObject({ q: '"connection refused" -retrying level:error' });

    await userEvent.clear(box);
    await userEvent.type(box, '"connection refused');
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Log search: the quote at character 1 is never closed; close it, or leave it out to search for words.");
    expect(box.getAttribute("aria-invalid")).toBe("true");
    // Said once, under the box: not also as the stream's failure.
    expect(screen.queryByText("The log stream stopped.")).toBeNull();

    await userEvent.type(box, '"');
    await waitFor(() =>
      expect(texts()).toEqual(["connection refused by db", "connection refused, retrying", "connection refused in a test"]),
    );
    expect(screen.queryByRole("alert")).toBeNull();
    expect(box.getAttribute("aria-invalid")).toBeNull();
  });
});

describe("AppLogList (the lines as the stream hook holds them, rendered directly)", () => {
  it("holds 100,000 lines but puts only a window of rows in the page, following the newest", () => {
    const lines = numbered(1, 100_000);
    render(<AppLogList appName="web-shop" lines={lines} count={lines.length} dropped={0} follow onPause={() => {}} empty={null} />);
    const shown = rows();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(200);
    expect(texts()).toContain("line 100000");
    expect(texts()).not.toContain("line 1");
    expect(screen.queryByTestId("log-dropped")).toBeNull();
  });

  it("says how many older lines were let go once the browser's limit was reached", () => {
    const lines = numbered(12_346, 212_345);
    render(<AppLogList appName="web-shop" lines={lines} count={lines.length} dropped={12_345} follow onPause={() => {}} empty={null} />);
    expect(screen.getByTestId("log-dropped").textContent).toBe(
      "Showing the newest 200,000 lines: 12,345 older lines were let go to keep this page fast.",
    );
  });
});
