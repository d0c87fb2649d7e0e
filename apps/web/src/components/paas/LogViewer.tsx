import { useMemo } from "react";
import { useAppLogs } from "../../hooks/useAppLogs.ts";
import { useInstances } from "../../hooks/useDeployments.ts";
import { useFormation } from "../../hooks/useFormation.ts";
import { downloadLog } from "../../lib/download.ts";
import { errorCode, errorMessage } from "../../lib/trpc.ts";
import { useAppDispatch, useAppSelector } from "../../store/index.ts";
import { isFiltered, resetLogFilters, selectLogFilters, setLogFollow } from "../../store/logViewerSlice.ts";
import type { LogConnection } from "../../store/paasSlice.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { AppLogList } from "./AppLogList.tsx";
import { entryText, logFileName } from "./appLogs.ts";
import { LogFilters } from "./LogFilters.tsx";
import { LogToolbar } from "./LogToolbar.tsx";
import type { AppDetail } from "./types.ts";

/** What an empty log means, said plainly: still connecting, nothing matches the filters, or nothing has run. */
function EmptyLog({
  app,
  connection,
  filtered,
  neverRan,
}: {
  app: AppDetail;
  connection: LogConnection;
  filtered: boolean;
  neverRan: boolean;
}) {
  const dispatch = useAppDispatch();
  return (
    <div className="px-3 py-4 text-slate-400" data-testid="logs-empty">
      {connection === "connecting" || connection === "reconnecting" ? (
        <p>Connecting to the log…</p>
      ) : connection === "disconnected" ? (
        <p>No lines: the stream stopped before any arrived.</p>
      ) : filtered ? (
        <>
          <p>No lines match these filters yet; matching lines appear here as {app.name} writes them.</p>
          <Button className="mt-3" onClick={() => dispatch(resetLogFilters(app.id))}>
            Show all lines
          </Button>
        </>
      ) : neverRan ? (
        <p>{app.name} has never run, so it has written no log. Once it is deployed, its output streams here live.</p>
      ) : (
        <p>No log lines yet; they appear here as soon as {app.name} writes them.</p>
      )}
    </div>
  );
}

/** The app's runtime log, live: filtered by the server, virtualised, followed, downloadable. */
export function LogViewer({ app }: { app: AppDetail }) {
  const dispatch = useAppDispatch();
  const filters = useAppSelector((s) => selectLogFilters(s, app.id));
  const follow = useAppSelector((s) => s.logViewer.follow);
  const log = useAppLogs(app, filters);
  const formation = useFormation(app.name);
  const instances = useInstances(app.name);
  const processTypes = useMemo(
    () => [...new Set([...(formation.data ?? []).map((f) => f.processType), ...(instances.data ?? []).map((i) => i.processType)])],
    [formation.data, instances.data],
  );
  const filtered = isFiltered(filters);
  // A search the server refused is said under the search box; the stream starts again once it changes.
  const searchError =
    log.error !== null && errorCode(log.error) === "BAD_REQUEST" && filters.search.trim() !== "" ? errorMessage(log.error) : null;
  const neverRan = !filtered && app.currentReleaseId === null && instances.data?.length === 0;

  return (
    <section aria-labelledby="app-log-title" data-testid="app-log" className="min-w-0 space-y-4">
      <LogToolbar
        title="Logs"
        titleId="app-log-title"
        connection={log.connection}
        count={log.count}
        follow={follow}
        onFollowChange={(on) => dispatch(setLogFollow(on))}
        downloadLabel="Download logs"
        onDownload={() => downloadLog(logFileName(app.name, new Date()), log.lines, log.count, entryText)}
      />
      <LogFilters
        key={app.id}
        appId={app.id}
        filters={filters}
        processTypes={processTypes}
        instances={instances.data ?? []}
        searchError={searchError}
      />
      {log.error !== null && searchError === null && <ErrorNotice title="The log stream stopped." error={log.error} onRetry={log.retry} />}
      <AppLogList
        appName={app.name}
        lines={log.lines}
        count={log.count}
        dropped={log.dropped}
        follow={follow}
        onPause={() => dispatch(setLogFollow(false))}
        empty={<EmptyLog app={app} connection={log.connection} filtered={filtered} neverRan={neverRan} />}
      />
    </section>
  );
}

export default LogViewer;
