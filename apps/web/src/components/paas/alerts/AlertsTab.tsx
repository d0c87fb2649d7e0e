import type { AppDetail } from "../types.ts";
import { AlertChannels } from "./AlertChannels.tsx";
import { AlertHistory } from "./AlertHistory.tsx";
import { AlertRules } from "./AlertRules.tsx";

function Section({ title, intro, children }: { title: string; intro: string; children: React.ReactNode }) {
  const id = `alerts-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      <p className="mb-3 text-sm text-slate-600">{intro}</p>
      {children}
    </section>
  );
}

/** The Alerts tab: the app's rules, its team's channels, and what fired and resolved. */
export function AlertsTab({ app }: { app: AppDetail }) {
  return (
    <div className="space-y-6">
      <Section title="Alert rules" intro="Conditions on this app; each tells its channels once when it fires and once when it resolves.">
        <AlertRules app={app} />
      </Section>
      <Section title="Notification channels" intro={`Where alerts are sent; shared by every app of the team ${app.teamName ?? ""}.`}>
        <AlertChannels app={app} />
      </Section>
      <Section title="History" intro="Alerts that fired and resolved, newest first, with what each channel answered.">
        <AlertHistory app={app} />
      </Section>
    </div>
  );
}

export default AlertsTab;
