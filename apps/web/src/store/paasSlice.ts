import { createSlice, type PayloadAction } from "@reduxjs/toolkit";

// UI state that outlives a page: the app list's filters survive a visit to an app and back,
// and toasts survive the navigation that a mutation often triggers.

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

export interface PaasState {
  appList: AppListFilters;
  toasts: Toast[];
  nextToastId: number;
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

const initialState: PaasState = { appList: initialAppListFilters, toasts: [], nextToastId: 1 };

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
  },
});

export const { setAppListFilters, setAppListPage, resetAppListFilters, showToast, dismissToast } = paasSlice.actions;
