import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MetricsChart } from "./MetricsChart.tsx";

const points = [0, 1, 2, 3].map((i) => ({ t: Date.UTC(2026, 11, 6, 10, i), instances: i < 2 ? 1 : 3 }));

describe("MetricsChart marks (the autoscaler's decisions on a chart)", () => {
  // jsdom lays nothing out, so recharts draws no SVG here: the lines themselves are not checked, the list is.
  it("lists each mark (drawn as a vertical line) under the chart", () => {
    render(
      <MetricsChart
        title="Instances"
        points={points}
        range="15m"
        format={String}
        step
        lines={[{ key: "instances", name: "Instances", color: "#475569" }]}
        marks={[{ t: Date.UTC(2026, 11, 6, 10, 2), label: "web 1 → 3: 120 requests/s per instance vs target 40/s" }]}
      />,
    );
    const list = within(screen.getByRole("list", { name: "Autoscaler decisions on Instances" }));
    expect(list.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      expect.stringMatching(/web 1 → 3: 120 requests\/s per instance/),
    ]);
  });

  it("has no list without marks", () => {
    render(
      <MetricsChart title="CPU" points={points} range="15m" format={String} lines={[{ key: "instances", name: "x", color: "#000" }]} />,
    );
    expect(screen.queryByRole("list")).toBeNull();
  });
});
