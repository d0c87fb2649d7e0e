import { type FormEvent, useState } from "react";
import { useBuilds } from "../../hooks/useBuilds.ts";
import { type Deployment, useCreateDeployment, useRuntimeOverview } from "../../hooks/useDeployments.ts";
import { formatRelative } from "../../lib/format.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import { blockedByFindings } from "./BuildVulnerabilities.tsx";
import { describeSource } from "./builds.ts";
import { StrategySelect } from "./StrategySelect.tsx";
import type { AppDetail } from "./types.ts";

/** Deploys a succeeded build with a strategy; the new deployment then shows, live, in the list below. */
export function DeployBuildForm({ app, onDeployed }: { app: AppDetail; onDeployed: (deployment: Deployment) => void }) {
  const builds = useBuilds(app.name);
  const runtime = useRuntimeOverview(app.name);
  const deploy = useCreateDeployment(app.name);
  const [buildId, setBuildId] = useState("");
  const [strategy, setStrategy] = useState<Deployment["strategy"]>("rolling");
  const [error, setError] = useState<string | null>(null);
  // Set when the team's policy refused the build for its critical findings: a reason overrides it (audited).
  const [blocked, setBlocked] = useState(false);
  const [overrideReason, setOverrideReason] = useState("");
  const succeeded = builds.builds.filter((b) => b.status === "succeeded");
  // Until the user picks one, the newest succeeded build is the one to deploy.
  const chosen = succeeded.find((b) => b.id === buildId) ?? succeeded[0];
  const noRuntime = runtime.data?.runtimeMode === null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!chosen) return;
    const reason = blocked ? overrideReason.trim() : "";
    deploy.mutate(
      { app: app.name, buildId: chosen.id, strategy, ...(reason ? { overrideReason: reason } : {}) },
      {
        onSuccess: (d) => {
          setBlocked(false);
          setOverrideReason("");
          onDeployed(d);
        },
        onError: (e) => {
          setError(errorMessage(e));
          if (blockedByFindings(e)) setBlocked(true);
        },
      },
    );
  }

  return (
    <form
      aria-label="Deploy a build"
      onSubmit={submit}
      noValidate
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="deploy-build-form"
    >
      <h3 className="text-base font-semibold">Deploy a build</h3>
      {noRuntime ? (
        <p className="mt-1 text-sm text-slate-700">
          This platform was started without a runtime: it builds apps but runs none, so nothing can be deployed.
        </p>
      ) : builds.isPending ? (
        <p className="mt-1 text-sm text-slate-600">Loading the builds…</p>
      ) : succeeded.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700" data-testid="deploy-no-builds">
          No build has succeeded yet. Start one above; once it succeeds, deploy it here.
        </p>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-700">
            A deployment makes a release of the build and the app's config, starts its instances and moves traffic to them once they are
            healthy. If they are not, the running release keeps serving.
          </p>
          <div className="mt-4 grid gap-3 sm:grid-cols-2">
            <SelectField
              label="Build"
              value={chosen?.id ?? ""}
              onChange={(e) => {
                setBuildId(e.target.value);
                setBlocked(false);
              }}
              disabled={deploy.isPending}
            >
              {succeeded.map((b) => (
                <option key={b.id} value={b.id}>
                  #{b.number} · {describeSource(b.source)} · {formatRelative(b.finishedAt ?? b.createdAt)}
                </option>
              ))}
            </SelectField>
            <StrategySelect value={strategy} onChange={setStrategy} disabled={deploy.isPending} />
          </div>
          {error && (
            <p
              role="alert"
              data-testid="deploy-build-error"
              className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
            >
              {error}
            </p>
          )}
          {blocked && (
            <Field
              className="mt-3"
              label="Override reason"
              hint="Why this build may go out with its critical findings; written to the audit log with them."
              value={overrideReason}
              maxLength={500}
              onChange={(e) => setOverrideReason(e.target.value)}
              data-testid="deploy-override-reason"
            />
          )}
          <Button
            type="submit"
            variant={blocked ? "danger" : "primary"}
            className="mt-4"
            disabled={!chosen || deploy.isPending || (blocked && overrideReason.trim() === "")}
          >
            {deploy.isPending ? "Deploying…" : blocked ? "Deploy anyway" : "Deploy"}
          </Button>
        </>
      )}
    </form>
  );
}
