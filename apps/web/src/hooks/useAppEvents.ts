import { type QueryFilters, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { errorCode, type RouterOutputs, useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { useAppDispatch } from "../store/index.ts";
import { forgetLiveConnection, type LiveConnection, setLiveConnection } from "../store/liveSlice.ts";

type Item<T> = T extends AsyncIterable<infer U> ? U : never;

/** One event of events.app: a state change of the app, or `resync` (refetch everything about it). */
export type AppEvent = Item<RouterOutputs["events"]["app"]>["data"];
type AppEventType = AppEvent["type"];

/**
 * Queries that still refetch on a timer do so this rarely, as a safety net: a change made between
 * a page's first load and its stream's start is not replayed, and a stream can fail unnoticed.
 */
export const SAFETY_REFETCH_MS = 30_000;

// Events come in bursts (a deployment moves several instances at once): one refetch per burst.
const GATHER_MS = 100;
// A stream that failed for good (the browser gives up on an HTTP error, e.g. a 502 while the
// server restarts) is opened again after this long, resuming after the last event it had.
const REOPEN_MS = 5000;
const REFUSED = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

type Trpc = ReturnType<typeof useTRPC>;

/** Every query about the app, whatever the procedure: tRPC keys carry the input second. */
const aboutApp = (app: string) => (query: { queryKey: readonly unknown[] }) =>
  (query.queryKey[1] as { input?: { app?: unknown } } | undefined)?.input?.app === app;

/** The queries whose answers each kind of event changes, for one way of naming the app. */
function affected(trpc: Trpc, type: AppEventType, app: string): QueryFilters[] {
  switch (type) {
    case "deployment.updated":
      return [
        trpc.deployments.list.queryFilter({ app }),
        trpc.deployments.get.queryFilter({ app }),
        trpc.deployments.history.queryFilter({ app }),
        // A deployment makes a release and, once live, makes it the app's current one.
        trpc.releases.list.queryFilter({ app }),
        trpc.apps.get.queryFilter({ app }),
      ];
    case "instance.updated":
      return [trpc.deployments.instances.queryFilter({ app }), trpc.apps.get.queryFilter({ app })];
    case "one-off.updated":
      return [trpc.oneOffs.list.queryFilter({ app }), trpc.oneOffs.get.queryFilter({ app })];
    case "scheduled-run.updated":
      // A run started, ended or was skipped; a failed one may fire an alert.
      return [
        trpc.schedules.list.queryFilter({ app }),
        trpc.schedules.runs.queryFilter({ app }),
        trpc.alerts.rules.queryFilter({ app }),
        trpc.alerts.history.queryFilter({ app }),
      ];
    case "formation.updated":
      return [trpc.formation.get.queryFilter({ app }), trpc.deployments.instances.queryFilter({ app })];
    case "build.updated":
      return [trpc.builds.list.queryFilter({ app }), trpc.builds.get.queryFilter({ app })];
    case "metrics.tick":
      // The supervisor writes each instance's CPU and memory along with the samples.
      return [trpc.metrics.series.queryFilter({ app }), trpc.deployments.instances.queryFilter({ app })];
    case "addon.updated":
      // Attaching and detaching change the app's config too.
      return [
        trpc.addons.list.queryFilter({ app }),
        trpc.addons.get.queryFilter({ app }),
        trpc.addons.backups.queryFilter({ app }),
        trpc.config.get.queryFilter({ app }),
      ];
    case "maintenance.updated":
      return [trpc.maintenance.get.queryFilter({ app }), trpc.audit.forApp.queryFilter({ app })];
    case "autoscale.decision":
      // The autoscaler changed (or wanted to change) the formation; an alert may fire on it.
      return [
        trpc.formation.get.queryFilter({ app }),
        trpc.autoscale.get.queryFilter({ app }),
        trpc.alerts.rules.queryFilter({ app }),
        trpc.alerts.history.queryFilter({ app }),
        // The decision itself: the autoscaler's list and the app's activity.
        trpc.autoscale.events.queryFilter({ app }),
        trpc.audit.forApp.queryFilter({ app }),
      ];
    case "resync":
      return [{ predicate: aboutApp(app) }];
  }
}

/**
 * Keeps everything shown about one app current while its dashboard is open: one event stream
 * (events.app), and each event marks stale exactly the queries it changes, so the visible ones
 * refetch. The link resumes after the last event when the connection drops; the stream's state
 * goes to the store for the header's indicator. Nothing happens until the app has loaded.
 */
export function useAppEvents(app: { id: string; name: string } | undefined) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const dispatch = useAppDispatch();
  // Queries are keyed by the name (or the id, from an address that used it); a rename must not reopen the stream.
  const names = useRef<string[]>([]);
  names.current = app ? [app.id, app.name] : [];
  const appId = app?.id;

  useEffect(() => {
    if (!appId) return;
    const set = (connection: LiveConnection) => dispatch(setLiveConnection({ appId, connection }));
    const pending = new Set<AppEventType>();
    let gather: ReturnType<typeof setTimeout> | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let subscription: { unsubscribe(): void } | null = null;
    let lastEventId: string | null = null;
    let connectedOnce = false;

    const refresh = () => {
      gather = null;
      // A resync covers every other change.
      const types: AppEventType[] = pending.has("resync") ? ["resync"] : [...pending];
      pending.clear();
      for (const name of names.current) {
        for (const type of types) for (const filter of affected(trpc, type, name)) void queryClient.invalidateQueries(filter);
      }
    };
    const changed = (type: AppEventType) => {
      pending.add(type);
      gather ??= setTimeout(refresh, GATHER_MS);
    };

    const open = () => {
      set(connectedOnce ? "reconnecting" : "connecting");
      subscription = client.events.app.subscribe(
        { app: appId, lastEventId },
        {
          onStarted() {
            // Back without an id to resume from: what happened meanwhile is unknown.
            if (connectedOnce && lastEventId === null) changed("resync");
            connectedOnce = true;
            set("live");
          },
          onConnectionStateChange(state) {
            if (state.state === "connecting") set(connectedOnce ? "reconnecting" : "connecting");
          },
          onData({ id, data }) {
            lastEventId = id;
            changed(data.type);
          },
          onError(err) {
            if (REFUSED.has(errorCode(err) ?? "")) return set("disconnected");
            set("reconnecting");
            reopen = setTimeout(open, REOPEN_MS);
          },
        },
      );
    };
    open();

    return () => {
      subscription?.unsubscribe();
      if (gather) clearTimeout(gather);
      if (reopen) clearTimeout(reopen);
      dispatch(forgetLiveConnection(appId));
    };
  }, [appId, client, dispatch, queryClient, trpc]);
}
