import { useAuditVerification } from "../../hooks/useAudit.ts";
import { Button, buttonClass } from "../ui/Button.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";

// The REST export answers a download with the session cookie, so a plain link does it.
const exportHref = (format: "json" | "csv") => `/api/audit/export?format=${format}`;

/** Platform admins: check the audit log's hash chain and download it. */
export function AuditLogTools() {
  const check = useAuditVerification();
  const result = check.data;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="audit-log-tools">
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" disabled={check.isFetching} onClick={() => void check.refetch()}>
          {check.isFetching ? "Verifying…" : "Verify audit log"}
        </Button>
        <a className={buttonClass()} href={exportHref("csv")} download="audit-log.csv">
          Export CSV
        </a>
        <a className={buttonClass()} href={exportHref("json")} download="audit-log.json">
          Export JSON
        </a>
      </div>
      {check.isError ? (
        <ErrorNotice error={check.error} onRetry={() => check.refetch()} />
      ) : result?.ok ? (
        <p role="status" className="text-emerald-800">
          Intact: {result.checked} rows checked{result.anchor ? `, from retention's anchor after row ${result.anchor.seq}` : ""}.
        </p>
      ) : result?.firstBad ? (
        <p role="alert" className="text-red-800">
          Broken at row {result.firstBad.id} (seq {result.firstBad.seq}): {result.firstBad.reason}. {result.checked} rows checked.
        </p>
      ) : null}
    </div>
  );
}
