import { createSlice, type PayloadAction } from "@reduxjs/toolkit";

// Where each open app's live event stream stands, so the header (and anything else) can say
// whether what it shows is current.

/** connecting: first attempt; live: events flow; reconnecting: lost, trying again; disconnected: refused or given up. */
export type LiveConnection = "connecting" | "live" | "reconnecting" | "disconnected";

export interface LiveState {
  /** By app id, for the apps whose dashboard is open. */
  connections: Record<string, LiveConnection>;
}

const initialState: LiveState = { connections: {} };

export const liveSlice = createSlice({
  name: "live",
  initialState,
  reducers: {
    setLiveConnection(state, action: PayloadAction<{ appId: string; connection: LiveConnection }>) {
      state.connections[action.payload.appId] = action.payload.connection;
    },
    /** The app's dashboard closed: nothing is connected for it any more. */
    forgetLiveConnection(state, action: PayloadAction<string>) {
      delete state.connections[action.payload];
    },
  },
});

export const { setLiveConnection, forgetLiveConnection } = liveSlice.actions;
