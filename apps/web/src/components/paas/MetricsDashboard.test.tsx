import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { cloneElement, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, stubApp, stubMetricsPoint } from "../../test/stubBackend.ts";
import { AppDashboard } from "./AppDashboard.tsx";
import { formatShare, type MetricsPoint, type RequestsPoint } from "./metrics.ts";
// The tab is lazy; loading it (and recharts) here keeps the first test from timing out on the import.
import "./MetricsDashboard.tsx";

function openMetrics(points: MetricsPoint[], requests: RequestsPoint[] = []) {
  const backend = createStubBackend({ apps: [stubApp("web-shop")], runtime: { metrics: { "id-web-shop": points } } });
  backend.state.runtime.requests = { "id-web-shop": requests };
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/metrics" });
  return backend;
}

// happy-dom lays nothing out, so ResponsiveContainer measures 0 × 0 and draws no chart; give the
// chart a fixed size instead. The only mock here: everything else is the real recharts.
vi.mock("recharts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("recharts")>()),
  ResponsiveContainer: ({ children }: { children: ReactElement<{ width?: number; height?: number }> }) =>
    cloneElement(children, { width: 600, height: 192 }),
}));

const seriesCalls = (backend: ReturnType<typeof openMetrics>) => backend.state.calls.filter((c) => c.path === "metrics.series");
const SAMPLES = [stubMetricsPoint(2), stubMetricsPoint(1, { instances: 2, cpuPercent: null }), stubMetricsPoint(0, { instances: 2 })];
const REQUESTS: RequestsPoint[] = SAMPLES.map((p, i) => ({
  t: p.t,
  rate: 4 + i,
  p50Ms: 12 + i,
  p95Ms: 80 + i,
  p99Ms: 240 + i,
  errorRate: 0.02 * i,
}));
const requestCharts = ["Requests per second", "Response time (p50 / p95 / p99)", "Error rate (5xx)"];

describe("MetricsDashboard (stub tRPC server behind fetch; recharts' ResponsiveContainer given a fixed size)", () => {
  it("charts CPU, memory, network and instances, each in its own labelled region, over the last hour by default", async () => {
    const backend = openMetrics(SAMPLES);
    for (const title of ["CPU", "Memory", "Network", "Instances"]) {
      const region = await screen.findByRole("region", { name: title });
      expect(within(region).getByRole("heading", { name: title })).toBeTruthy();
    }
    expect(screen.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed")).toBe("true");
    expect(seriesCalls(backend)[0]?.input).toEqual({ app: "web-shop", range: "1h" });
    // The memory axis speaks in MiB, not raw bytes.
    await waitFor(() => expect(within(screen.getByRole("region", { name: "Memory" })).getAllByText(/MiB/).length).toBeGreaterThan(0));
    expect(screen.queryByTestId("metrics-empty")).toBeNull();
  });

  it("asks for the 6 h range when its button is pressed, and marks it pressed", async () => {
    const backend = openMetrics(SAMPLES);
    await screen.findByRole("region", { name: "CPU" });
    await userEvent.click(screen.getByRole("button", { name: "6 h" }));

    await waitFor(() => expect(seriesCalls(backend).some((c) => (c.input as { range: string }).range === "6h")).toBe(true));
    expect(seriesCalls(backend).at(-1)?.input).toEqual({ app: "web-shop", range: "6h" });
    expect(screen.getByRole("button", { name: "6 h" }).getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed")).toBe("false");
  });

  it("says plainly that there are no samples yet instead of drawing empty charts", async () => {
    openMetrics([]);
    expect((await screen.findByTestId("metrics-empty")).textContent).toBe(
      "No samples in this range yet: the platform samples each running instance every 10 s.",
    );
    expect(screen.queryByRole("region", { name: "CPU" })).toBeNull();
  });

  it("charts requests per second, p50/p95/p99 response times (saying they are approximate) and the 5xx error rate", async () => {
    openMetrics(SAMPLES, REQUESTS);
    const rate = await screen.findByRole("region", { name: "Requests per second" });
    await waitFor(() => expect(within(rate).getAllByText(/req\/s$/).length).toBeGreaterThan(0));
    const latency = screen.getByRole("region", { name: "Response time (p50 / p95 / p99)" });
    await waitFor(() => expect(within(latency).getAllByText(/ ms$/).length).toBeGreaterThan(0));
    expect(within(latency).getByText(/approximate/)).toBeTruthy();
    expect(within(latency).getByText("p50")).toBeTruthy();
    expect(within(latency).getByText("p95")).toBeTruthy();
    expect(within(latency).getByText("p99")).toBeTruthy();
    // The error rate's axis speaks in percent, up to the 4 % of the last bucket.
    const errors = screen.getByRole("region", { name: "Error rate (5xx)" });
    await waitFor(() => expect(within(errors).getAllByText(/ %$/).length).toBeGreaterThan(0));
    expect(within(errors).getByText(/5xx status/)).toBeTruthy();
    expect(screen.queryByText(/not collected/)).toBeNull();
    expect(screen.queryByText("No requests in this range")).toBeNull();
  });

  it("says 'No requests in this range' in every request chart when the router counted none", async () => {
    openMetrics(
      SAMPLES,
      REQUESTS.map((p) => ({ ...p, rate: 0, p50Ms: null, p95Ms: null, p99Ms: null, errorRate: null })),
    );
    for (const title of requestCharts) {
      const region = await screen.findByRole("region", { name: title });
      expect(within(region).getByText("No requests in this range")).toBeTruthy();
    }
    // The instance charts are drawn regardless.
    expect(screen.getByRole("region", { name: "CPU" })).toBeTruthy();
  });

  it("says the error rate was not counted when the range's requests carry no status classes (rows from before they were counted)", async () => {
    openMetrics(
      SAMPLES,
      REQUESTS.map((p) => ({ ...p, errorRate: null })),
    );
    const errors = await screen.findByRole("region", { name: "Error rate (5xx)" });
    expect(within(errors).getByText(/No status codes were counted in this range/)).toBeTruthy();
    // The other request charts are drawn.
    expect(within(screen.getByRole("region", { name: "Requests per second" })).queryByText("No requests in this range")).toBeNull();
  });
});

describe("formatShare", () => {
  it("shows a share in percent, keeping small non-zero shares visible", () => {
    expect([0, 0.0001, 0.004, 0.025, 0.2222, 1].map(formatShare)).toEqual(["0 %", "0.01 %", "0.4 %", "2.5 %", "22 %", "100 %"]);
  });
});
