import { describe, expect, it } from "vitest";
import {
  dismissToast,
  forgetBuildLogConnection,
  paasSlice,
  setAppListFilters,
  setAppListPage,
  setBuildLogConnection,
  setBuildLogFollow,
  showToast,
} from "./paasSlice.ts";

const reduce = paasSlice.reducer;

describe("paasSlice", () => {
  it("sends the list back to page 1 when a filter changes, so results are not hidden on a page past the end", () => {
    let state = reduce(undefined, setAppListPage(3));
    expect(state.appList.page).toBe(3);
    state = reduce(state, setAppListFilters({ search: "web" }));
    expect(state.appList).toMatchObject({ search: "web", page: 1 });
  });

  it("keeps at most four toasts and dismisses by id", () => {
    let state = reduce(undefined, { type: "init" });
    for (let i = 1; i <= 5; i++) state = reduce(state, showToast("success", `saved ${i}`));
    expect(state.toasts.map((t) => t.message)).toEqual(["saved 2", "saved 3", "saved 4", "saved 5"]);
    const second = state.toasts[1];
    state = reduce(state, dismissToast(second?.id ?? -1));
    expect(state.toasts.map((t) => t.message)).toEqual(["saved 2", "saved 4", "saved 5"]);
  });

  it("follows build logs by default, keeps the choice, and tracks each open log's connection by build", () => {
    let state = reduce(undefined, { type: "init" });
    expect(state.buildLog.follow).toBe(true);
    state = reduce(state, setBuildLogFollow(false));
    state = reduce(state, setBuildLogConnection({ buildId: "b1", connection: "live" }));
    state = reduce(state, setBuildLogConnection({ buildId: "b2", connection: "reconnecting" }));
    expect(state.buildLog).toEqual({ follow: false, connections: { b1: "live", b2: "reconnecting" } });
    state = reduce(state, forgetBuildLogConnection("b1"));
    expect(state.buildLog.connections).toEqual({ b2: "reconnecting" });
  });
});
