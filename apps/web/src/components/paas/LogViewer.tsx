import { EngineNotice } from "./EngineNotice.tsx";
import type { AppDetail } from "./types.ts";

export function LogViewer({ app }: { app: AppDetail }) {
  return (
    <EngineNotice title="Logs" testId="logs-empty">
      <p>Logs arrive with the runtime engine; {app.name} has no running instances yet, so there is nothing to show.</p>
      <p>Once it lands, this tab streams the app's output live, with search, level filters and download.</p>
    </EngineNotice>
  );
}

export default LogViewer;
