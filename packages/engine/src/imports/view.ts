import type { Import } from "@skypanel/db";
import type { DnsInstruction, ImportKind, ImportStatus, ImportStep, ImportView } from "./types.ts";

/** What the API shows of an import's row: never its sealed secret, its options or its made-list. */
export function importView(row: Import): ImportView {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    status: row.status as ImportStatus,
    app: { id: row.appId, name: row.appName },
    source: row.source,
    steps: row.steps as ImportStep[],
    dns: row.dns as DnsInstruction[],
    url: row.url,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
