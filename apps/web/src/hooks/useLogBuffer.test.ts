import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useLogBuffer } from "./useLogBuffer.ts";

describe("useLogBuffer", () => {
  it("gathers lines pushed one by one into a redraw a moment later, not one per line", async () => {
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useLogBuffer<string>();
    });
    const before = renders;
    act(() => {
      for (let i = 1; i <= 1000; i++) result.current.push(`line ${i}`);
    });
    expect(result.current.count).toBe(0);
    await waitFor(() => expect(result.current.count).toBe(1000));
    expect(renders - before).toBe(1);
    expect(result.current.lines[999]).toBe("line 1000");
  });

  it("keeps only the newest `limit` lines and counts the ones it let go", () => {
    const { result } = renderHook(() => useLogBuffer<number>(200_000));
    act(() => {
      for (let i = 1; i <= 250_000; i++) result.current.push(i);
      result.current.flush();
    });
    expect(result.current).toMatchObject({ count: 200_000, dropped: 50_000 });
    expect(result.current.lines[0]).toBe(50_001);
    expect(result.current.lines.at(-1)).toBe(250_000);

    act(() => result.current.clear());
    expect(result.current).toMatchObject({ count: 0, dropped: 0, lines: [] });
  });
});
