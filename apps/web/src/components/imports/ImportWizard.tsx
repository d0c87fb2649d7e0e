import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { HerokuAppSummary } from "../../hooks/useImports.ts";
import { Button } from "../ui/Button.tsx";
import { HerokuAppPicker } from "./HerokuAppPicker.tsx";
import { HerokuPlanStep } from "./HerokuPlanStep.tsx";
import { HerokuTokenForm } from "./HerokuTokenForm.tsx";

/**
 * Importing a Heroku app, steps 1 to 3: the token, the app, the plan with its choices. Starting
 * the import opens its own page (/paas/import/<id>), which follows it. The token lives only in
 * this component's state: never in the store, the URL or the browser's storage.
 */
export function ImportWizard() {
  const [access, setAccess] = useState<{ token: string; apps: HerokuAppSummary[] } | null>(null);
  const [herokuApp, setHerokuApp] = useState<string | null>(null);
  const plural = access?.apps.length === 1 ? "app" : "apps";

  return (
    <div className="space-y-6" data-testid="import-wizard">
      <WizardStep title="1. Your Heroku API token">
        {access ? (
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-700">
            <p data-testid="token-accepted">
              <span aria-hidden="true" className="mr-1 text-green-700">
                ✓
              </span>
              Heroku accepted the token; it sees {access.apps.length} {plural}.
            </p>
            <Button
              onClick={() => {
                setAccess(null);
                setHerokuApp(null);
              }}
            >
              Use another token
            </Button>
          </div>
        ) : (
          <HerokuTokenForm onAccepted={(token, apps) => setAccess({ token, apps })} />
        )}
      </WizardStep>
      {access && (
        <WizardStep title="2. Choose the app" focusOnShow>
          <HerokuAppPicker apps={access.apps} chosen={herokuApp} onChoose={setHerokuApp} />
        </WizardStep>
      )}
      {access && herokuApp && (
        <WizardStep key={herokuApp} title={`3. Review the plan for ${herokuApp}`} focusOnShow>
          <HerokuPlanStep herokuToken={access.token} herokuApp={herokuApp} />
        </WizardStep>
      )}
    </div>
  );
}

/** One step of the wizard; a step that appears takes the focus, so keyboard and screen reader users land on it. */
function WizardStep({ title, focusOnShow, children }: { title: string; focusOnShow?: boolean; children: ReactNode }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnShow) heading.current?.focus();
  }, [focusOnShow]);
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} ref={heading} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
        {title}
      </h2>
      {children}
    </section>
  );
}
