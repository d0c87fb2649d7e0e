import { configureStore } from "@reduxjs/toolkit";
import { type TypedUseSelectorHook, useDispatch, useSelector } from "react-redux";
import { liveSlice } from "./liveSlice.ts";
import { logViewerSlice } from "./logViewerSlice.ts";
import { paasSlice } from "./paasSlice.ts";

export function createStore() {
  return configureStore({ reducer: { paas: paasSlice.reducer, logViewer: logViewerSlice.reducer, live: liveSlice.reducer } });
}

export type AppStore = ReturnType<typeof createStore>;
export type RootState = ReturnType<AppStore["getState"]>;
export type AppDispatch = AppStore["dispatch"];

export const useAppDispatch: () => AppDispatch = useDispatch;
export const useAppSelector: TypedUseSelectorHook<RootState> = useSelector;
