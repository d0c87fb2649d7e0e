import { describe, expect, it } from "vitest";
import {
  forgetLogConnection,
  initialLogFilters,
  isFiltered,
  logViewerSlice,
  resetLogFilters,
  selectLogFilters,
  setLogConnection,
  setLogFilters,
  setLogFollow,
  toggleLogLevel,
} from "./logViewerSlice.ts";

const reduce = logViewerSlice.reducer;
const filtersOf = (state: ReturnType<typeof reduce>, appId: string) => selectLogFilters({ logViewer: state }, appId);

describe("logViewerSlice", () => {
  it("keeps each app's filters apart, starting from every level at any time", () => {
    let state = reduce(undefined, { type: "init" });
    expect(filtersOf(state, "a1")).toBe(initialLogFilters);
    expect(isFiltered(initialLogFilters)).toBe(false);
    state = reduce(state, setLogFilters({ appId: "a1", changes: { search: "timeout", range: "1h" } }));
    expect(filtersOf(state, "a1")).toMatchObject({ search: "timeout", range: "1h" });
    expect(isFiltered(filtersOf(state, "a1"))).toBe(true);
    expect(filtersOf(state, "a2")).toBe(initialLogFilters);
    state = reduce(state, resetLogFilters("a1"));
    expect(filtersOf(state, "a1")).toBe(initialLogFilters);
  });

  it("lets go of the instance when another process type is chosen, since an instance runs one type", () => {
    let state = reduce(undefined, setLogFilters({ appId: "a1", changes: { processType: "web", instanceId: "i1" } }));
    expect(filtersOf(state, "a1")).toMatchObject({ processType: "web", instanceId: "i1" });
    state = reduce(state, setLogFilters({ appId: "a1", changes: { search: "x" } }));
    expect(filtersOf(state, "a1").instanceId).toBe("i1");
    state = reduce(state, setLogFilters({ appId: "a1", changes: { processType: "worker" } }));
    expect(filtersOf(state, "a1")).toMatchObject({ processType: "worker", instanceId: "" });
  });

  it("toggles levels in their order and never turns off the last one", () => {
    let state = reduce(undefined, toggleLogLevel({ appId: "a1", level: "debug" }));
    state = reduce(state, toggleLogLevel({ appId: "a1", level: "info" }));
    state = reduce(state, toggleLogLevel({ appId: "a1", level: "warn" }));
    expect(filtersOf(state, "a1").levels).toEqual(["error"]);
    state = reduce(state, toggleLogLevel({ appId: "a1", level: "error" }));
    expect(filtersOf(state, "a1").levels).toEqual(["error"]);
    state = reduce(state, toggleLogLevel({ appId: "a1", level: "debug" }));
    expect(filtersOf(state, "a1").levels).toEqual(["debug", "error"]);
  });

  it("follows by default, keeps the choice, and tracks each open log's connection by app", () => {
    let state = reduce(undefined, { type: "init" });
    expect(state.follow).toBe(true);
    state = reduce(state, setLogFollow(false));
    state = reduce(state, setLogConnection({ appId: "a1", connection: "live" }));
    state = reduce(state, setLogConnection({ appId: "a2", connection: "reconnecting" }));
    expect(state).toMatchObject({ follow: false, connections: { a1: "live", a2: "reconnecting" } });
    state = reduce(state, forgetLogConnection("a1"));
    expect(state.connections).toEqual({ a2: "reconnecting" });
  });
});
