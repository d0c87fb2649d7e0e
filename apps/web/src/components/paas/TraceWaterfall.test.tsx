import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubBuild, stubDeployment } from "../../test/stubBackend.ts";
import { type StubTraceSpan, stubSpan } from "../../test/stubTraces.ts";
import { AppDashboard } from "./AppDashboard.tsx";
import { TraceWaterfall } from "./TraceWaterfall.tsx";
import { waterfallRows } from "./waterfall.ts";

const AT = new Date("2025-01-02T03:04:05Z").getTime();

// A build of 10 s: fetch 0–1 s, detect 1–1.5 s, dependencies failing at 1.5–10 s.
const BUILD_SPANS: StubTraceSpan[] = [
  stubSpan("b000000000000003", "dependencies", 1500, 8500, {
    parentSpanId: "b000000000000000",
    status: "error",
    statusMessage: "npm ci exited with 1",
  }),
  stubSpan("b000000000000000", "build pipeline", 0, 10_000, { status: "error", statusMessage: "npm ci exited with 1" }),
  stubSpan("b000000000000001", "fetch", 0, 1000, { parentSpanId: "b000000000000000" }),
  stubSpan("b000000000000002", "detect", 1000, 500, { parentSpanId: "b000000000000000" }),
];

/** Each row as a reader meets it: its name (with status), start and duration, and the bar's place. */
const rows = () =>
  screen.getAllByTestId("trace-span").map((row) => {
    const r = within(row);
    const bar = r.getByTestId("span-bar");
    return {
      name: r.getByRole("rowheader").textContent,
      depth: row.dataset.depth,
      offset: r.getByTestId("span-offset").textContent,
      duration: r.getByTestId("span-duration").textContent,
      left: bar.style.left,
      width: bar.style.width,
      title: bar.getAttribute("title"),
    };
  });

describe("TraceWaterfall", () => {
  it("lays spans out as a table: parents before children, offsets and widths on one time axis, times in words", () => {
    render(<TraceWaterfall spans={BUILD_SPANS} label="Timeline of the build" now={AT} live={false} />);
    const table = screen.getByRole("table", { name: "Timeline of the build" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["Step", "Starts after", "Duration", "Timeline"]);
    expect(rows()).toEqual([
      {
        name: "build pipeline(failed)npm ci exited with 1",
        depth: "0",
        offset: "+0 ms",
        duration: "10.0 s",
        left: "0%",
        width: "100%",
        title: "build pipeline: 10000 ms",
      },
      { name: "fetch", depth: "1", offset: "+0 ms", duration: "1.0 s", left: "0%", width: "10%", title: "fetch: 1000 ms" },
      { name: "detect", depth: "1", offset: "+1.0 s", duration: "500 ms", left: "10%", width: "5%", title: "detect: 500 ms" },
      {
        name: "dependencies(failed)npm ci exited with 1",
        depth: "1",
        offset: "+1.5 s",
        duration: "8.5 s",
        left: "15%",
        width: "85%",
        title: "dependencies: 8500 ms",
      },
    ]);
    // The bars are for the eye; the text cells carry the same facts.
    for (const bar of screen.getAllByTestId("span-bar")) expect(bar.closest("td")?.getAttribute("aria-hidden")).toBe("true");
    expect(screen.getAllByTestId("trace-span").map((r) => r.dataset.status)).toEqual(["error", "ok", "ok", "error"]);
  });

  it("grows a running span up to now and says so; a tiny one still gets a visible sliver", () => {
    const spans = [
      stubSpan("d000000000000000", "deployment", 0, null),
      stubSpan("d000000000000001", "release", 0, 2, { parentSpanId: "d000000000000000" }),
      stubSpan("d000000000000002", "web: roll out 1 instance(s)", 2, null, { parentSpanId: "d000000000000000" }),
    ];
    render(<TraceWaterfall spans={spans} label="Timeline of the deployment" now={AT + 4000} live />);
    expect(rows().map((r) => [r.name, r.duration, r.width])).toEqual([
      ["deployment(running)", "4.0 s so far", "100%"],
      ["release", "2 ms", "0.5%"],
      ["web: roll out 1 instance(s)(running)", "4.0 s so far", "99.95%"],
    ]);
  });

  it("ends a span left open by a finished build at the trace's last known moment, and says it did not finish", () => {
    const spans = [
      stubSpan("f000000000000000", "build pipeline", 0, null),
      stubSpan("f000000000000001", "fetch", 0, 1000, { parentSpanId: "f000000000000000" }),
      stubSpan("f000000000000002", "detect", 1000, null, { parentSpanId: "f000000000000000" }),
    ];
    // Hours later: without a live build, nothing grows up to now.
    render(<TraceWaterfall spans={spans} label="Timeline of the build" now={AT + 3 * 3_600_000} live={false} />);
    expect(rows().map((r) => [r.name, r.duration, r.left, r.width])).toEqual([
      ["build pipeline(unfinished)", "did not finish", "0%", "100%"],
      ["fetch", "1.0 s", "0%", "100%"],
      ["detect(unfinished)", "did not finish", "99.5%", "0.5%"],
    ]);
  });

  it("treats a span whose parent was not kept as a root, and survives a parent cycle in bad data", () => {
    const orphan = stubSpan("e000000000000001", "switch", 100, 50, { parentSpanId: "ffffffffffffffff" });
    expect(waterfallRows([orphan], AT).map((r) => [r.span.name, r.depth])).toEqual([["switch", 0]]);
    const a = stubSpan("a000000000000001", "a", 0, 10, { parentSpanId: "a000000000000002" });
    const b = stubSpan("a000000000000002", "b", 0, 10, { parentSpanId: "a000000000000001" });
    // Neither is a root, so neither shows; the point is that this returns at all.
    expect(waterfallRows([a, b], AT)).toEqual([]);
    expect(waterfallRows([], AT)).toEqual([]);
  });
});

describe("build and deployment timelines (stub tRPC server behind fetch)", () => {
  const build = stubBuild("web-shop", 1, { status: "failed" });
  const deployment = stubDeployment("web-shop", 1, { status: "succeeded", durationMs: 3000 });

  it("shows a build's waterfall on its page, from traces.build", async () => {
    const backend = createStubBackend({
      apps: [stubApp("web-shop")],
      builds: [build],
      traces: [{ subject: "build", subjectId: build.id, traceId: "0".repeat(32), spans: BUILD_SPANS }],
    });
    renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: `/paas/apps/web-shop/builds/${build.id}` });
    const timeline = await screen.findByRole("table", { name: "Timeline of the build" });
    expect(
      within(timeline)
        .getAllByRole("rowheader")
        .map((h) => h.querySelector("[data-testid=span-name]")?.textContent),
    ).toEqual(["build pipeline", "fetch", "detect", "dependencies"]);
    expect(backend.state.calls.filter((c) => c.path === "traces.build").map((c) => c.input)).toContainEqual({
      app: "web-shop",
      id: build.id,
    });
  });

  it("shows a deployment's waterfall when its row opens, and says so when none was kept", async () => {
    const older = stubDeployment("web-shop", 2, { status: "failed", createdAt: new Date(AT - 86_400_000) });
    const backend = createStubBackend({
      apps: [stubApp("web-shop")],
      runtime: { deployments: [deployment, older] },
      traces: [
        {
          subject: "deployment",
          subjectId: deployment.id,
          traceId: "1".repeat(32),
          spans: [
            stubSpan("c000000000000000", "deployment", 0, 3000),
            stubSpan("c000000000000001", "switch", 2500, 500, { parentSpanId: "c000000000000000" }),
          ],
        },
      ],
    });
    renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/deployments" });
    const [first, second] = await screen.findAllByTestId("deployment-row");
    if (!first || !second) throw new Error("two deployment rows expected");
    await userEvent.click(within(first).getAllByRole("button")[0] as HTMLElement);
    const table = await within(first).findByRole("table", { name: "Timeline of the deployment" });
    expect(
      within(table)
        .getAllByTestId("span-duration")
        .map((d) => d.textContent),
    ).toEqual(["3.0 s", "500 ms"]);
    expect(
      within(table)
        .getAllByTestId("span-offset")
        .map((d) => d.textContent),
    ).toEqual(["+0 ms", "+2.5 s"]);

    await userEvent.click(within(second).getAllByRole("button")[0] as HTMLElement);
    await waitFor(() => expect(within(second).getByTestId("trace-empty").textContent).toMatch(/No timeline was kept/));
  });
});
