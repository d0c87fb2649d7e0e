// REST for platform admins over the whole audit log: verify its hash chain, export it.
import { z } from "zod";
import { AUDIT_EXPORT_FORMATS, auditExportInput, auditExportSchema, auditVerificationSchema } from "../schemas/audit.ts";
import { operation } from "./operation.ts";
import { queryInt, sinceParam } from "./params.ts";
import { auditEntryView } from "./views.ts";

const exportQuery = z.object({
  format: z.enum(AUDIT_EXPORT_FORMATS).optional().meta({ description: "json (default) or csv." }),
  since: sinceParam.optional().meta({ description: "Rows written at or after this: an ISO timestamp or a duration back from now (2d)." }),
  until: sinceParam.optional().meta({ description: "Rows written before this: an ISO timestamp or a duration back from now." }),
  limit: queryInt(auditExportInput.shape.limit.unwrap())
    .optional()
    .meta({ description: "At most this many rows, oldest first (default 10000)." }),
});

export const auditOperations = [
  operation({
    id: "verifyAuditLog",
    method: "get",
    path: "/api/audit/verify",
    tag: "admin",
    summary: "Verify the audit log's hash chain",
    description:
      "Recomputes every row's hash and checks each row links to the one before it (after retention, to its anchor). A row changed in the database fails as `hash mismatch`; the row after a deleted one as `broken link`. Platform admins only.",
    status: 200,
    response: auditVerificationSchema,
    answers: "`ok`, how many rows were checked, and the first row that does not fit.",
    errors: [403],
    handle: ({ caller }) => caller.audit.verify(),
  }),
  operation({
    id: "exportAuditLog",
    method: "get",
    path: "/api/audit/export",
    tag: "admin",
    summary: "Export the audit log",
    description:
      "Oldest first (chain order), with each row's seq, prevHash and hash, as JSON or CSV. CSV cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a quote. Bounded by `limit`; `truncated` (JSON) or the `X-Audit-Truncated: true` header (CSV) says more rows matched. The export itself is audited. Platform admins only.",
    query: exportQuery,
    status: 200,
    response: auditExportSchema,
    answers: "The entries.",
    alsoAnswers: { "text/csv": z.string().meta({ description: "One header line, then one line per row." }) },
    errors: [403],
    handle: async ({ caller, c, query }) => {
      const made = await caller.audit.exportLog({ ...query, format: query.format ?? "json" });
      if (made.format === "json") return { entries: made.entries.map(auditEntryView), truncated: made.truncated };
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", 'attachment; filename="audit-log.csv"');
      c.header("Cache-Control", "no-store");
      if (made.truncated) c.header("X-Audit-Truncated", "true");
      return c.body(made.csv);
    },
  }),
];
