import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { cx } from "../../lib/cx.ts";
import { AppDetailsForm } from "./AppDetailsForm.tsx";
import { ConfirmDeleteApp } from "./ConfirmDeleteApp.tsx";
import { EnvVarEditor } from "./EnvVarEditor.tsx";
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
      <Section title="Config vars" intro="Environment variables the app's processes receive. Values are stored encrypted.">
        <EnvVarEditor app={app.id} />
      </Section>
      <Section title="App details">
        <AppDetailsForm key={`${app.name}:${app.description}`} app={app} />
      </Section>
      <Section title="Danger zone" danger testId="danger-zone">
        {can.delete(app.role) ? (
          <ConfirmDeleteApp app={app} onDeleted={() => navigate("/paas/apps", { replace: true })} />
        ) : (
          <p className="text-sm text-slate-700">Only the team's admins and owners can delete this app; your role is {app.role}.</p>
        )}
      </Section>
    </div>
  );
}

export default AppSettings;
