import { createContextKey, ROOT_CONTEXT } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { AsyncLocalContextManager } from "./context.ts";

const KEY = createContextKey("test.key");
const tick = () => new Promise((r) => setTimeout(r, 1));

describe("the AsyncLocalStorage context manager", () => {
  it("keeps the active context across awaits, and restores the outer one after", async () => {
    const m = new AsyncLocalContextManager();
    expect(m.active()).toBe(ROOT_CONTEXT);
    const seen = await m.with(ROOT_CONTEXT.setValue(KEY, "outer"), async () => {
      await tick();
      const inner = await m.with(m.active().setValue(KEY, "inner"), async () => {
        await tick();
        return m.active().getValue(KEY);
      });
      return [inner, m.active().getValue(KEY)];
    });
    expect(seen).toEqual(["inner", "outer"]);
    expect(m.active()).toBe(ROOT_CONTEXT);
  });

  it("keeps concurrent requests apart", async () => {
    const m = new AsyncLocalContextManager();
    const run = (name: string) =>
      m.with(ROOT_CONTEXT.setValue(KEY, name), async () => {
        const seen: unknown[] = [];
        for (let i = 0; i < 5; i++) {
          await tick();
          seen.push(m.active().getValue(KEY));
        }
        return seen;
      });
    const [a, b] = await Promise.all([run("a"), run("b")]);
    expect(a).toEqual(["a", "a", "a", "a", "a"]);
    expect(b).toEqual(["b", "b", "b", "b", "b"]);
  });

  it("binds a callback to the context it was bound in, passing its this and arguments", () => {
    const m = new AsyncLocalContextManager();
    const bound = m.bind(ROOT_CONTEXT.setValue(KEY, "bound"), function (this: { x: number }, y: number) {
      return [this.x + y, m.active().getValue(KEY)];
    });
    expect(bound.call({ x: 1 }, 2)).toEqual([3, "bound"]);
    expect(m.bind(ROOT_CONTEXT, 42)).toBe(42);
  });
});
