import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { stubStages } from "../../test/stubBackend.ts";
import { BuildStages } from "./BuildStages.tsx";

const stage = (name: string) => {
  const el = screen.getAllByTestId("build-stage").find((s) => s.dataset.stage === name);
  if (!el) throw new Error(`no stage ${name}`);
  return { el, status: within(el).getByTestId("stage-status").textContent, time: within(el).getByTestId("stage-duration").textContent };
};

describe("BuildStages", () => {
  it("shows all seven stages in order with their status, duration and detail", () => {
    render(
      <BuildStages
        stages={stubStages({
          fetch: { status: "succeeded", durationMs: 150, detail: "3 files, 25.6 KiB" },
          detect: { status: "succeeded", durationMs: 1340 },
          dependencies: { status: "failed", durationMs: 125_000, detail: "npm ci exited with 1" },
          build: { status: "cancelled" },
          tests: { status: "skipped", detail: "no test command configured" },
        })}
      />,
    );
    expect(screen.getAllByTestId("build-stage").map((s) => s.dataset.stage)).toEqual([
      "fetch",
      "detect",
      "dependencies",
      "build",
      "tests",
      "artifact",
      "optimise",
    ]);
    expect(stage("fetch")).toMatchObject({ status: "done", time: "150 ms" });
    expect(stage("fetch").el.textContent).toContain("3 files, 25.6 KiB");
    expect(stage("detect")).toMatchObject({ status: "done", time: "1.3 s" });
    expect(stage("dependencies")).toMatchObject({ status: "failed", time: "2 min 05 s" });
    expect(stage("build").status).toBe("cancelled");
    expect(stage("tests")).toMatchObject({ status: "skipped", time: "" });
    expect(stage("artifact")).toMatchObject({ status: "waiting", time: "" });
    const bar = screen.getByRole("progressbar", { name: "Build progress" });
    expect(bar.getAttribute("aria-valuenow")).toBe("3");
    expect(screen.getByTestId("build-stages-summary").textContent).toBe("3 of 7 stages done");
  });

  it("marks the running stage as the current step and counts its time up from its start", () => {
    const startedAt = new Date(Date.now() - 5_000).toISOString();
    render(
      <BuildStages stages={stubStages({ fetch: { status: "succeeded", durationMs: 10 }, detect: { status: "running", startedAt } })} />,
    );
    const detect = stage("detect");
    expect(detect.status).toBe("running");
    expect(detect.el.getAttribute("aria-current")).toBe("step");
    expect(detect.time).toMatch(/^[56]\.\d s$/);
    expect(stage("fetch").el.getAttribute("aria-current")).toBeNull();
  });
});
