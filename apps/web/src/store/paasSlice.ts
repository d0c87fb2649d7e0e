import { createSlice, type PayloadAction } from "@reduxjs/toolkit";

// UI state that outlives a page: the app list's filters survive a visit to an app and back,
// toasts survive the navigation that a mutation often triggers, and a build log's follow mode
// and live-connection state are shared by every view of that build.

export type AppSort = "name" | "createdAt" | "updatedAt";
export type SortOrder = "asc" | "desc";
export const APP_STATUSES = ["idle", "building", "deploying", "running", "crashed", "stopped"] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

export interface AppListFilters {
  search: string;
  sort: AppSort;
  order: SortOrder;
  page: number;
  perPage: number;
  /** Empty for any status. */
  status: AppStatus | "";
  teamId: string;
}

export interface Toast {
  id: number;
  kind: "success" | "error";
  message: string;
}

/** Where a build log's live stream stands. */
export type LogConnection = "connecting" | "live" | "reconnecting" | "finished" | "disconnected";

export interface BuildLogUi {
  /** Keep the newest line in view as lines arrive (a preference kept across builds). */
  follow: boolean;
  /** By build id, for the builds whose log is open. */
  connections: Record<string, LogConnection>;
}

export interface PaasState {
  appList: AppListFilters;
  toasts: Toast[];
  nextToastId: number;
  buildLog: BuildLogUi;
}

export const initialAppListFilters: AppListFilters = {
  search: "",
  sort: "updatedAt",
  order: "desc",
  page: 1,
  perPage: 20,
  status: "",
  teamId: "",
};

const initialState: PaasState = {
  appList: initialAppListFilters,
  toasts: [],
  nextToastId: 1,
  buildLog: { follow: true, connections: {} },
};

export const paasSlice = createSlice({
  name: "paas",
  initialState,
  reducers: {
    /** Any filter change other than the page itself starts again from page 1. */
    setAppListFilters(state, action: PayloadAction<Partial<Omit<AppListFilters, "page">>>) {
      state.appList = { ...state.appList, ...action.payload, page: 1 };
    },
    setAppListPage(state, action: PayloadAction<number>) {
      state.appList.page = Math.max(1, Math.floor(action.payload));
    },
    resetAppListFilters(state) {
      state.appList = initialAppListFilters;
    },
    showToast: {
      reducer(state, action: PayloadAction<Omit<Toast, "id">>) {
        state.toasts.push({ id: state.nextToastId, ...action.payload });
        state.nextToastId += 1;
        // Keep the stack short; the oldest toast goes first.
        if (state.toasts.length > 4) state.toasts.shift();
      },
      prepare(kind: Toast["kind"], message: string) {
        return { payload: { kind, message } };
      },
    },
    dismissToast(state, action: PayloadAction<number>) {
      state.toasts = state.toasts.filter((t) => t.id !== action.payload);
    },
    setBuildLogFollow(state, action: PayloadAction<boolean>) {
      state.buildLog.follow = action.payload;
    },
    setBuildLogConnection(state, action: PayloadAction<{ buildId: string; connection: LogConnection }>) {
      state.buildLog.connections[action.payload.buildId] = action.payload.connection;
    },
    /** The log view closed: nothing is connected for this build any more. */
    forgetBuildLogConnection(state, action: PayloadAction<string>) {
      delete state.buildLog.connections[action.payload];
    },
  },
});

export const {
  setAppListFilters,
  setAppListPage,
  resetAppListFilters,
  showToast,
  dismissToast,
  setBuildLogFollow,
  setBuildLogConnection,
  forgetBuildLogConnection,
} = paasSlice.actions;
