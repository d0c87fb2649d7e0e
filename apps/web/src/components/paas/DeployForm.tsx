import { useQueryClient } from "@tanstack/react-query";
import { type DragEvent, type FormEvent, useId, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { useStartGitBuild } from "../../hooks/useBuilds.ts";
import { useCreateDeployment, useRuntimeOverview } from "../../hooks/useDeployments.ts";
import { useToast } from "../../hooks/useToast.ts";
import { cx } from "../../lib/cx.ts";
import { formatBytes } from "../../lib/format.ts";
import { errorMessage, useTRPC } from "../../lib/trpc.ts";
import { archiveProblem, type UploadArchive, uploadArchive } from "../../lib/uploadArchive.ts";
import { Button } from "../ui/Button.tsx";
import { Field } from "../ui/Field.tsx";
import { type Strategy, StrategySelect } from "./StrategySelect.tsx";
import type { AppDetail } from "./types.ts";

type SourceKind = "git" | "archive";

const KINDS: { kind: SourceKind; label: string }[] = [
  { kind: "git", label: "Git repository" },
  { kind: "archive", label: "Upload archive" },
];

/**
 * Starts a build from a git repository or an uploaded archive, then opens the build's page.
 * `upload` is replaceable so component tests need no network.
 */
export function DeployForm({ app, upload = uploadArchive }: { app: AppDetail; upload?: UploadArchive }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const startGit = useStartGitBuild(app.name);
  const runtime = useRuntimeOverview(app.name);
  const deploy = useCreateDeployment(app.name);
  const toast = useToast();
  // On a platform that runs apps, a build deploys itself when it succeeds unless the user says not to.
  const canDeploy = Boolean(runtime.data?.runtimeMode);
  const [deployWhenBuilt, setDeployWhenBuilt] = useState(true);
  const [strategy, setStrategy] = useState<Strategy>("rolling");
  const [kind, setKind] = useState<SourceKind>("git");
  const [url, setUrl] = useState("");
  const [ref, setRef] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const uploading = useRef<AbortController | null>(null);
  const busy = startGit.isPending || progress !== null;

  /**
   * Opens the build's page, after queueing its deployment when asked: the deployer waits for the
   * build and rolls the release out once it succeeds (a failed build deploys nothing).
   */
  const openBuild = async (id: string) => {
    if (canDeploy && deployWhenBuilt) {
      await deploy
        .mutateAsync({ app: app.name, buildId: id, strategy })
        .catch((error) => toast.error(`The build started, but its deployment was not queued: ${errorMessage(error)}`));
    }
    await navigate(`/paas/apps/${encodeURIComponent(app.name)}/builds/${id}`);
  };

  function choose(chosen: File | null | undefined) {
    setServerError(null);
    setFile(chosen ?? null);
    setProblem(chosen ? archiveProblem(chosen) : null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setServerError(null);
    if (kind === "git") {
      if (!url.trim()) return setServerError("Enter the repository's URL.");
      startGit.mutate(
        { app: app.name, source: { type: "git", url: url.trim(), ...(ref.trim() ? { ref: ref.trim() } : {}) } },
        { onSuccess: (build) => void openBuild(build.id), onError: (error) => setServerError(errorMessage(error)) },
      );
      return;
    }
    if (!file) return setProblem("Choose an archive to upload.");
    const bad = archiveProblem(file);
    if (bad) return setProblem(bad);
    const controller = new AbortController();
    uploading.current = controller;
    setProgress({ loaded: 0, total: file.size });
    try {
      const build = await upload(app.name, file, {
        onProgress: (loaded, total) => setProgress({ loaded, total }),
        signal: controller.signal,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.builds.list.queryKey({ app: app.name }) });
      await openBuild(build.id);
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      uploading.current = null;
      setProgress(null);
    }
  }

  return (
    <form
      aria-label="Start a build"
      onSubmit={submit}
      noValidate
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="deploy-form"
    >
      <h2 className="text-base font-semibold">Start a build</h2>
      <p className="mt-1 text-sm text-slate-700" data-testid="deploy-explainer">
        SkyPanel fetches the source, detects the stack and builds it reproducibly with Nix into an artifact. The running app changes only
        when a succeeded build is deployed: at once when the box below is ticked, or later from the list below.
      </p>
      <fieldset className="mt-4">
        <legend className="mb-1 text-sm font-medium text-slate-800">Source</legend>
        <div className="inline-flex rounded-md border border-slate-300 p-0.5">
          {KINDS.map((k) => (
            <label
              key={k.kind}
              className={cx(
                "cursor-pointer rounded px-3 py-1.5 text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-600",
                kind === k.kind ? "bg-indigo-700 text-white" : "text-slate-700 hover:bg-slate-100",
              )}
            >
              <input
                type="radio"
                name="source-kind"
                value={k.kind}
                checked={kind === k.kind}
                onChange={() => {
                  setKind(k.kind);
                  setServerError(null);
                }}
                className="sr-only"
                disabled={busy}
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>

      {kind === "git" ? (
        <div className="mt-4 grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Field
            label="Repository URL"
            name="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://github.com/you/app.git"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            disabled={busy}
            required
          />
          <Field
            label="Branch, tag or commit (optional)"
            name="ref"
            autoComplete="off"
            placeholder="default branch"
            value={ref}
            onChange={(e) => setRef(e.target.value)}
            disabled={busy}
          />
        </div>
      ) : (
        <ArchivePicker file={file} problem={problem} onChoose={choose} disabled={busy} />
      )}

      {canDeploy && (
        <div className="mt-4 flex flex-wrap items-end gap-x-6 gap-y-3">
          <label className="flex items-center gap-2 py-2 text-sm text-slate-800">
            <input
              type="checkbox"
              checked={deployWhenBuilt}
              onChange={(e) => setDeployWhenBuilt(e.target.checked)}
              disabled={busy}
              className="size-4 accent-indigo-700"
            />
            Deploy when the build succeeds
          </label>
          {deployWhenBuilt && <StrategySelect value={strategy} onChange={setStrategy} disabled={busy} className="w-full sm:w-64" />}
        </div>
      )}

      {progress && (
        <div className="mt-4" data-testid="upload-progress">
          <progress
            className="h-2 w-full overflow-hidden rounded-full accent-indigo-700"
            aria-label="Upload progress"
            max={progress.total || 1}
            value={progress.loaded}
          />
          <p className="mt-1 text-sm text-slate-700">
            Uploading… {progress.total ? Math.round((progress.loaded / progress.total) * 100) : 0}% ({formatBytes(progress.loaded)} of{" "}
            {formatBytes(progress.total)})
          </p>
        </div>
      )}

      {serverError && (
        <p role="alert" data-testid="deploy-error" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {serverError}
        </p>
      )}

      <div className="mt-4 flex flex-wrap gap-2">
        <Button type="submit" variant="primary" disabled={busy || (kind === "archive" && (!file || problem !== null))}>
          {startGit.isPending ? "Starting…" : progress ? "Uploading…" : "Start build"}
        </Button>
        {progress && (
          <Button onClick={() => uploading.current?.abort()} variant="ghost">
            Stop upload
          </Button>
        )}
      </div>
    </form>
  );
}

function ArchivePicker({
  file,
  problem,
  onChoose,
  disabled,
}: {
  file: File | null;
  problem: string | null;
  onChoose: (file: File | null | undefined) => void;
  disabled: boolean;
}) {
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!disabled) onChoose(e.dataTransfer.files[0]);
  };
  return (
    <div className="mt-4">
      <fieldset
        data-testid="archive-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cx(
          "rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm focus-within:ring-2 focus-within:ring-indigo-600",
          dragging ? "border-indigo-600 bg-indigo-50" : problem ? "border-red-600" : "border-slate-300",
        )}
      >
        <legend className="sr-only">Source archive</legend>
        <p className="text-slate-700">Drag a .tar.gz, .tgz or .zip of your source here, or</p>
        <label
          htmlFor={id}
          className="mt-2 inline-block cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-2 font-medium text-slate-800 hover:bg-slate-100"
        >
          Choose an archive
        </label>
        <input
          id={id}
          type="file"
          accept=".tar.gz,.tgz,.zip,application/gzip,application/x-gzip,application/zip"
          className="sr-only"
          disabled={disabled}
          aria-describedby={problem ? `${id}-problem` : undefined}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => onChoose(e.target.files?.[0])}
        />
        {file && (
          <p className="mt-3 break-all text-slate-900" data-testid="archive-chosen">
            <span className="font-medium">{file.name}</span> · {formatBytes(file.size)}
          </p>
        )}
      </fieldset>
      {problem && (
        <p id={`${id}-problem`} role="alert" className="mt-1 text-sm text-red-700" data-testid="archive-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
