import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { LogConnection } from "./paasSlice.ts";

// The runtime Logs tab's UI state: each app keeps its own filters, so leaving the tab and coming
// back (or visiting another app) finds them as they were; the follow preference is shared.

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_RANGES = ["15m", "1h", "6h", "24h", "all"] as const;
export type LogRange = (typeof LOG_RANGES)[number];

export interface LogFilters {
  /** The levels shown, never empty, in LOG_LEVELS order. */
  levels: LogLevel[];
  range: LogRange;
  search: string;
  /** Empty for any process type. */
  processType: string;
  /** Empty for any instance. */
  instanceId: string;
}

export interface LogViewerState {
  /** By app id. */
  filters: Record<string, LogFilters>;
  /** Keep the newest line in view as lines arrive. */
  follow: boolean;
  /** By app id, for the apps whose log is open. */
  connections: Record<string, LogConnection>;
}

export const initialLogFilters: LogFilters = { levels: [...LOG_LEVELS], range: "all", search: "", processType: "", instanceId: "" };

const initialState: LogViewerState = { filters: {}, follow: true, connections: {} };

export const logViewerSlice = createSlice({
  name: "logViewer",
  initialState,
  reducers: {
    /** An instance belongs to one process type, so choosing another type lets go of the instance. */
    setLogFilters(state, action: PayloadAction<{ appId: string; changes: Partial<Omit<LogFilters, "levels">> }>) {
      const { appId, changes } = action.payload;
      const before = state.filters[appId] ?? initialLogFilters;
      const typeChanged = changes.processType !== undefined && changes.processType !== before.processType;
      state.filters[appId] = { ...before, ...(typeChanged ? { instanceId: "" } : {}), ...changes };
    },
    /** Turns a level on or off; the last level shown stays on, since no level at all would show nothing. */
    toggleLogLevel(state, action: PayloadAction<{ appId: string; level: LogLevel }>) {
      const { appId, level } = action.payload;
      const before = state.filters[appId] ?? initialLogFilters;
      const on = before.levels.includes(level);
      if (on && before.levels.length === 1) return;
      state.filters[appId] = { ...before, levels: LOG_LEVELS.filter((l) => (l === level ? !on : before.levels.includes(l))) };
    },
    resetLogFilters(state, action: PayloadAction<string>) {
      delete state.filters[action.payload];
    },
    setLogFollow(state, action: PayloadAction<boolean>) {
      state.follow = action.payload;
    },
    setLogConnection(state, action: PayloadAction<{ appId: string; connection: LogConnection }>) {
      state.connections[action.payload.appId] = action.payload.connection;
    },
    /** The log view closed: nothing is connected for this app any more. */
    forgetLogConnection(state, action: PayloadAction<string>) {
      delete state.connections[action.payload];
    },
  },
});

export const { setLogFilters, toggleLogLevel, resetLogFilters, setLogFollow, setLogConnection, forgetLogConnection } =
  logViewerSlice.actions;

/** An app's filters; the defaults (the same object each time) until one is changed. */
export const selectLogFilters = (state: { logViewer: LogViewerState }, appId: string) =>
  state.logViewer.filters[appId] ?? initialLogFilters;

/** Whether any filter narrows what is shown. */
export const isFiltered = (f: LogFilters) =>
  f.levels.length < LOG_LEVELS.length || f.range !== "all" || f.search.trim() !== "" || f.processType !== "" || f.instanceId !== "";
