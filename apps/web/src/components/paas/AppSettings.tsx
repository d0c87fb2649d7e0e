import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { cx } from "../../lib/cx.ts";
import { AppDetailsForm } from "./AppDetailsForm.tsx";
import { ConfirmDeleteApp } from "./ConfirmDeleteApp.tsx";
import { EnvVarEditor } from "./EnvVarEditor.tsx";
import { AutoscaleForm } from "./settings/AutoscaleForm.tsx";
import { DomainList } from "./settings/DomainList.tsx";
import { EgressForm } from "./settings/EgressForm.tsx";
import { LimitsForm } from "./settings/LimitsForm.tsx";
import { LogDrains } from "./settings/LogDrains.tsx";
import { LogRetentionForm } from "./settings/LogRetentionForm.tsx";
import { MaintenanceForm } from "./settings/MaintenanceForm.tsx";
import { RootDirectoryForm } from "./settings/RootDirectoryForm.tsx";
import { TrafficForm } from "./settings/TrafficForm.tsx";
import { TransferApp } from "./settings/TransferApp.tsx";
import { type AppDetail, can } from "./types.ts";

function Section({
  title,
  intro,
  children,
  danger,
  testId,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  danger?: boolean;
  testId?: string;
}) {
  return (
    <section data-testid={testId} className={cx("rounded-lg border bg-white p-4 sm:p-6", danger ? "border-red-300" : "border-slate-200")}>
      <h2 className={cx("text-lg font-semibold", danger && "text-red-800")}>{title}</h2>
      {intro && <p className="mt-1 text-sm text-slate-600">{intro}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function AppSettings({ app }: { app: AppDetail }) {
  const navigate = useNavigate();
  return (
    <div className="space-y-6">
      <Section
        title="Config vars"
        testId="settings-config-vars"
        intro="Environment variables the app's processes receive. Values are stored encrypted."
      >
        <EnvVarEditor app={app.id} />
      </Section>
      <Section title="Domains" testId="settings-domains" intro="Your own hostnames for this app, routed by the platform.">
        <DomainList app={app} />
      </Section>
      <Section
        title="Log drains"
        testId="settings-log-drains"
        intro="Where the app's log lines are also sent as they are written: a syslog server over TLS, or an HTTPS endpoint taking NDJSON."
      >
        <LogDrains app={app} />
      </Section>
      <Section title="Log retention" testId="settings-log-retention" intro="How long, and how much, of the app's log the platform keeps.">
        <LogRetentionForm app={app} />
      </Section>
      <Section title="Resource limits" testId="settings-limits" intro="Memory, CPU and processes each instance may use, per process type.">
        <LimitsForm app={app} />
      </Section>
      <Section
        title="Outbound network"
        testId="settings-egress"
        intro="What the app's instances may connect to outside the platform. A change applies to running instances at once."
      >
        <EgressForm app={app} />
      </Section>
      <Section
        title="Traffic protection"
        testId="settings-traffic"
        intro="Limits per client address, the largest request body, and a web application firewall, applied by the router in front of the app."
      >
        <TrafficForm app={app} />
      </Section>
      <Section
        title="Maintenance mode"
        testId="settings-maintenance"
        intro="The router answers the app's hostnames with a page and 503, without a deploy or a restart: instances, one-offs and scheduled jobs keep running."
      >
        <MaintenanceForm app={app} />
      </Section>
      <Section title="Autoscaling" testId="settings-autoscale">
        <AutoscaleForm app={app} />
      </Section>
      <Section title="App details">
        <AppDetailsForm key={`${app.name}:${app.description}`} app={app} />
      </Section>
      <Section title="Build" testId="settings-build">
        <RootDirectoryForm key={app.rootDirectory ?? ""} app={app} />
      </Section>
      <Section title="Danger zone" danger testId="danger-zone">
        {can.delete(app.role) ? (
          <div className="space-y-6">
            <div>
              <h3 className="mb-2 font-semibold text-slate-900">Transfer to another team</h3>
              <TransferApp app={app} />
            </div>
            <div className="border-t border-red-200 pt-4">
              <h3 className="mb-2 font-semibold text-slate-900">Delete app</h3>
              <ConfirmDeleteApp app={app} onDeleted={() => navigate("/paas/apps", { replace: true })} />
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-700">
            Only the team's admins and owners can delete this app or transfer it to another team; your role is {app.role}.
          </p>
        )}
      </Section>
    </div>
  );
}

export default AppSettings;
