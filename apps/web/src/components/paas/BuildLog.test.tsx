import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Provider } from "react-redux";
import { describe, expect, it } from "vitest";
import type { LogLine } from "../../hooks/useBuildLog.ts";
import { createStore } from "../../store/index.ts";
import { BuildLog } from "./BuildLog.tsx";

const ESC = "\u001b";
const numbered = (count: number): LogLine[] => Array.from({ length: count }, (_, i) => ({ n: i + 1, text: `line ${i + 1}` }));

function renderLog(lines: LogLine[], connection: "live" | "finished" | "connecting" = "live") {
  const store = createStore();
  const ui = (l: LogLine[], count = l.length) => (
    <Provider store={store}>
      <BuildLog lines={l} count={count} connection={connection} downloadName="web-shop-build-1.log" />
    </Provider>
  );
  const view = render(ui(lines));
  return { store, rerender: (l: LogLine[], count?: number) => view.rerender(ui(l, count)) };
}

// happy-dom moves scrollTop but, unlike a browser, fires no scroll event: fire it, so the list redraws its window.
const renderedNumbers = () => {
  const list = screen.queryByRole("list", { name: "Build log lines" });
  if (list) fireEvent.scroll(list);
  return screen.queryAllByTestId("log-line").map((row) => Number(row.firstChild?.textContent));
};

describe("BuildLog", () => {
  it("renders each line with its number and ANSI colours, and log text that looks like HTML stays text", () => {
    renderLog([
      { n: 1, text: `${ESC}[1;31merror${ESC}[0m: build failed` },
      { n: 2, text: "<script>window.hacked = true</script><img src=x onerror=alert(1)>" },
    ]);
    const rows = screen.getAllByTestId("log-line");
    expect(rows).toHaveLength(2);
    const red = screen.getByText("error");
    expect(red.tagName).toBe("SPAN");
    expect(red.className).toContain("text-red-400");
    expect(red.className).toContain("font-bold");
    expect(rows[0]?.textContent).toBe("1error: build failed");
    expect(rows[1]?.textContent).toBe("2<script>window.hacked = true</script><img src=x onerror=alert(1)>");
    expect(document.querySelector("[data-testid=build-log] script, [data-testid=build-log] img")).toBeNull();
    expect((window as { hacked?: boolean }).hacked).toBeUndefined();
    expect(screen.getByTestId("log-line-count").textContent).toBe("2 lines");
  });

  it("keeps 100,000 lines to a window of rows in the page, following the newest", () => {
    renderLog(numbered(100_000));
    expect(screen.getByTestId("log-line-count").textContent).toBe("100,000 lines");
    const shown = renderedNumbers();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(100);
    expect(shown).toContain(100_000);
  });

  it("follows new lines until the toggle is switched off, and catches up when it is switched back on", async () => {
    const lines = numbered(200);
    const { store, rerender } = renderLog(lines);
    const toggle = screen.getByRole("button", { name: "Follow new lines" });
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(renderedNumbers()).toContain(200);

    lines.push(...numbered(400).slice(200));
    rerender(lines, 400);
    expect(renderedNumbers()).toContain(400);

    await userEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    expect(store.getState().paas.buildLog.follow).toBe(false);
    lines.push(...numbered(600).slice(400));
    rerender(lines, 600);
    expect(renderedNumbers()).not.toContain(600);
    expect(renderedNumbers()).toContain(400);

    await userEvent.click(toggle);
    expect(renderedNumbers()).toContain(600);
  });

  it("pauses following when the reader scrolls up", () => {
    const { store } = renderLog(numbered(300));
    fireEvent.wheel(screen.getByRole("list", { name: "Build log lines" }), { deltaY: -120 });
    expect(store.getState().paas.buildLog.follow).toBe(false);
    expect(screen.getByRole("button", { name: "Follow new lines" }).getAttribute("aria-pressed")).toBe("false");
  });

  it("says what the stream is doing, and that it is waiting before the first line", () => {
    renderLog([], "connecting");
    expect(screen.getByTestId("log-connection").textContent).toContain("Connecting…");
    expect(screen.getByTestId("log-empty").textContent).toBe("Waiting for the first line…");
    expect((screen.getByRole("button", { name: "Download log" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
