import { type FormEvent, useState } from "react";
import { type AppDomain, useAddDomain, useCheckDomain, useDomains, useRemoveDomain } from "../../../hooks/useDomains.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";
import { DomainHsts } from "./DomainHsts.tsx";

/** The app's custom domains: what to put in DNS for each, whether it is there, and the state of HTTPS. */
export function DomainList({ app }: { app: AppDetail }) {
  const domains = useDomains(app.name);
  const editable = can.edit(app.role);
  return (
    <div className="space-y-4" data-testid="domains">
      <p className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
        The platform routes each domain to this app over HTTP as soon as it is added, and checks its DNS then and every few minutes. Once
        the DNS points here, it asks for an HTTPS certificate (where the platform has a certificate authority configured). At a zone apex
        (example.com), where DNS allows no CNAME, use your DNS host's ALIAS or ANAME record.
      </p>
      {domains.isPending ? (
        <LoadingBlock label="Loading the domains…" rows={1} />
      ) : domains.isError ? (
        <ErrorNotice title="The domains could not be loaded." error={domains.error} onRetry={() => domains.refetch()} />
      ) : domains.data.length === 0 ? (
        <p className="text-sm text-slate-600">No custom domains yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Domains">
          {domains.data.map((d) => (
            <DomainRow key={d.id} app={app} domain={d} editable={editable} />
          ))}
        </ul>
      )}
      {editable ? (
        <AddDomainForm app={app} />
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot add or remove domains.</p>
      )}
    </div>
  );
}

const DNS_STATUS: Record<string, string> = {
  unchecked: "not checked yet",
  ok: "ok — it points here",
  pending: "waiting for the record",
  wrong: "points elsewhere",
};

function certificateState(d: AppDomain): string {
  switch (d.tlsStatus) {
    case "issued":
      return d.certExpiresAt ? `issued, expires ${new Date(d.certExpiresAt).toISOString().slice(0, 10)}` : "issued";
    case "pending":
      return "requested — waiting for the certificate authority";
    case "error":
      return "could not be renewed";
    default:
      return d.dnsStatus === "ok" ? "none — this platform serves custom domains over HTTP only" : "requested once the DNS points here";
  }
}

function DomainRow({ app, domain: d, editable }: { app: AppDetail; domain: AppDomain; editable: boolean }) {
  const remove = useRemoveDomain(app.name);
  const check = useCheckDomain(app.name);
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="domain-row">
      <div className="min-w-0 space-y-1 text-sm">
        <p className="break-all font-medium text-slate-900">{d.hostname}</p>
        <p className="break-all text-slate-700">
          DNS: add <code className="rounded bg-slate-100 px-1 font-mono">{`CNAME ${d.hostname} → ${d.dnsTarget ?? ""}`}</code>
        </p>
        <p className={d.dnsStatus === "ok" ? "text-emerald-700" : d.dnsStatus === "wrong" ? "text-red-700" : "text-slate-700"}>
          DNS status: {DNS_STATUS[d.dnsStatus] ?? d.dnsStatus}
        </p>
        {d.error && <p className="break-words text-slate-600">{d.error}</p>}
        <p className="text-slate-700">HTTPS certificate: {certificateState(d)}</p>
        <DomainHsts app={app.name} domain={d} editable={editable} />
      </div>
      {editable && (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            aria-label={`Check DNS of ${d.hostname}`}
            disabled={check.isPending}
            onClick={() => check.mutate({ app: app.name, domain: d.hostname })}
          >
            {check.isPending ? "Checking…" : "Check now"}
          </Button>
          <Button
            variant="dangerGhost"
            aria-label={`Remove ${d.hostname}`}
            disabled={remove.isPending}
            onClick={() => remove.mutate({ app: app.name, domain: d.hostname })}
          >
            {remove.isPending ? "Removing…" : "Remove"}
          </Button>
        </div>
      )}
    </li>
  );
}

function AddDomainForm({ app }: { app: AppDetail }) {
  const [domain, setDomain] = useState("");
  const add = useAddDomain(app.name);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (domain.trim()) add.mutate({ app: app.name, domain: domain.trim() }, { onSuccess: () => setDomain("") });
  }

  return (
    <form onSubmit={submit} aria-label="Add a domain" className="flex flex-wrap items-start gap-2">
      <Field
        label="Domain"
        className="min-w-64 flex-1"
        placeholder="www.example.com"
        autoComplete="off"
        spellCheck={false}
        value={domain}
        onChange={(e) => {
          add.reset();
          setDomain(e.target.value);
        }}
        error={add.isError ? errorMessage(add.error) : undefined}
      />
      <Button type="submit" variant="primary" className="mt-6" disabled={!domain.trim() || add.isPending}>
        {add.isPending ? "Adding…" : "Add domain"}
      </Button>
    </form>
  );
}
