import type { ImportView } from "../../hooks/useImports.ts";
import { TD, TH } from "../paas/tableStyles.ts";

/** The DNS records the user makes so the imported domains reach this platform. */
export function DnsRecords({ dns }: { dns: ImportView["dns"] }) {
  if (dns.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="dns-none">
        No custom domains came along, so there are no DNS records to make.
      </p>
    );
  return (
    <section
      aria-label="DNS records to make"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus, or keyboard users cannot scroll it.
      tabIndex={0}
      className="overflow-x-auto rounded-md border border-slate-200 bg-white focus-visible:ring-2 focus-visible:ring-indigo-600"
    >
      <table className="w-full text-sm" data-testid="dns-table">
        <thead className="bg-slate-50">
          <tr>
            <th className={TH}>Hostname</th>
            <th className={TH}>Type</th>
            <th className={TH}>Target</th>
          </tr>
        </thead>
        <tbody>
          {dns.map((record) => (
            <tr key={`${record.hostname} ${record.type}`} className="border-t border-slate-100" data-testid="dns-row">
              <td className={`${TD} break-all font-mono`}>{record.hostname}</td>
              <td className={`${TD} font-mono`}>{record.type}</td>
              <td className={`${TD} break-all font-mono`}>{record.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
