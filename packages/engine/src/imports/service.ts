// Imports: an app brought in whole, from Heroku, from another SkyPanel's export, or set up from a
// source's app.json. Each is a durable job on the queue with its steps on its row: live for the
// user, audited, resumed after a restart, and rolled back (everything it made removed) on failure
// or on request.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Import, Job } from "@skypanel/db";
import { findImport, findJob, findUserById, insertImport, listImportsBy, updateImport, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { checkConfigKey } from "../config-vars/rules.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import { checkPassphrase, openWithPassphrase, readExportArchive } from "../exports/index.ts";
import { JobInterruptedError, type JobQueue } from "../jobs/index.ts";
import { open, seal } from "../secrets/index.ts";
import { type AppJsonSetupOptions, runAppJsonSetup } from "./app-json-run.ts";
import { type ArchiveImportOptions, runArchiveImport } from "./archive-run.ts";
import { type ExportParts, exportApp, exportFile, removeExport } from "./export-app.ts";
import { analyzeHerokuApp } from "./heroku/analyze.ts";
import { type HerokuSettings, herokuClient, runHerokuImport } from "./heroku-run.ts";
import { createProgress, initialSteps, STEP_NAMES } from "./progress.ts";
import type { ImportParts, Made, RunState } from "./setup.ts";
import type { DnsInstruction, ImportKind, ImportPlan, ImportStep, ImportView, PlannedSource } from "./types.ts";
import { importView } from "./view.ts";

export class ImportNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `No import with id "${id}" is visible to you.`);
  }
}

/** The one thing a kind of import runs after the common set-up; registered by kind. */
export type ImportRunner = (s: RunState, row: Import, secret: string) => Promise<void>;

export interface HerokuImportInput {
  herokuApp: string;
  herokuToken: string;
  name?: string | undefined;
  teamId?: string | undefined;
  source?: { kind: "slug" } | { kind: "git"; url: string; ref?: string | null | undefined } | undefined;
  /** Heroku add-on names whose data comes along (default: every PostgreSQL add-on with a backup). */
  addonData?: string[] | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const checkToken = (token: string) => {
  if (typeof token !== "string" || token.trim().length < 8 || token.length > 500 || /\s/.test(token.trim()))
    throw new ValidationError(
      "Give your Heroku API token (heroku auth:token, or an authorization made with heroku authorizations:create).",
    );
  return token.trim();
};

export function createImports(
  deps: EngineDeps,
  parts: ExportParts,
  o: { queue: JobQueue; home: string; heroku: HerokuSettings; appUrl: (name: string) => string | null },
) {
  const { db, keyring } = deps;
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const runners = new Map<ImportKind, ImportRunner>();
  const workDir = (id: string) => join(o.home, "imports", id);
  const uploadsDir = join(o.home, "uploads");
  const context = (id: string) => `import:${id}`;

  const sealSecret = (id: string, secret: string) => {
    const s = seal(keyring, secret, context(id));
    return { ciphertext: Buffer.from(s.ciphertext).toString("base64"), nonce: Buffer.from(s.nonce).toString("base64"), keyId: s.keyId };
  };
  const openSecret = (row: Import) => {
    if (!row.secret) throw new EngineError("PRECONDITION_FAILED", "This import's token is gone (it ended before); start a new import.");
    const { ciphertext, nonce, keyId } = row.secret;
    return open(keyring, { ciphertext: Buffer.from(ciphertext, "base64"), nonce: Buffer.from(nonce, "base64"), keyId }, context(row.id));
  };

  async function findVisible(actor: Actor, id: string) {
    const row = UUID.test(id) ? await findImport(db, id) : null;
    if (!row || (row.createdBy !== actor.userId && !actor.isAdmin)) throw new ImportNotFoundError(id);
    return row;
  }

  async function record(id: string, values: Parameters<typeof updateImport>[2]) {
    const row = await updateImport(db, id, values);
    changes.emit("change", id);
    return row;
  }

  /** Queues a new import: its row (with its secret sealed) and its job in one transaction. */
  async function begin(
    actor: Actor,
    kind: ImportKind,
    values: { appName: string; teamId: string; source: string; options: Record<string, unknown>; plan?: ImportPlan | null },
    secret: string,
  ): Promise<{ id: string }> {
    const row = await withActor(db, actor, async (tx) => {
      const r = await insertImport(tx, {
        kind,
        appName: values.appName,
        teamId: values.teamId,
        source: values.source.slice(0, 300),
        options: values.options,
        plan: (values.plan ?? null) as Record<string, unknown> | null,
        steps: initialSteps(STEP_NAMES[kind]),
        createdBy: actor.userId,
      });
      const job = await o.queue.enqueue("import", { importId: r.id }, { db: tx, maxAttempts: 5 });
      return updateImport(tx, r.id, { jobId: job.id, secret: sealSecret(r.id, secret) });
    });
    if (!row) throw new Error("the import vanished as it was made");
    o.queue.kick();
    changes.emit("change", row.id);
    return { id: row.id };
  }

  /** Removes the import's own files: its work folder, and an archive's extracted contents. */
  function removeFiles(row: Import) {
    rmSync(workDir(row.id), { recursive: true, force: true });
    const extracted = (row.options as { dir?: unknown }).dir;
    // Only a folder the import itself made under imports/ (options are the platform's own, but check anyway).
    if (typeof extracted === "string" && dirname(extracted) === join(o.home, "imports") && basename(extracted).startsWith("archive-"))
      rmSync(extracted, { recursive: true, force: true });
  }

  /** Removes everything the import made (the app, and with it its add-ons, domains and builds). */
  async function undo(actor: Actor, row: Import, steps: ImportStep[]) {
    const made = row.made as Made;
    if (made.appId) {
      const app = await parts.apps.get(actor, made.appId).catch(() => null);
      if (app) await parts.apps.delete(actor, app.id);
    }
    removeFiles(row);
    const progress = createProgress(db, row.id, steps, () => changes.emit("change", row.id));
    await progress.rolledBack();
  }

  /** Waits (bounded) for a cancelled job's step in flight to end, so the undo does not race it. */
  async function jobEnded(jobId: string) {
    for (let i = 0; i < 240; i++) {
      const job = await findJob(db, jobId);
      if (job?.status !== "running") return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function actorFor(row: Import): Promise<Actor> {
    const user = row.createdBy ? await findUserById(db, row.createdBy) : null;
    if (!user) throw new EngineError("PRECONDITION_FAILED", "The user who started this import no longer exists.");
    return { userId: user.id, isAdmin: user.isAdmin };
  }

  /** The queue's handler: runs (or resumes) the import; on failure removes what it made. */
  async function run(job: Job, signal: AbortSignal) {
    const id = (job.payload as { importId: string }).importId;
    const row = await findImport(db, id);
    if (row?.status !== "running") return;
    const steps = (row.steps as ImportStep[]).map((s) => ({ ...s }));
    const progress = createProgress(db, row.id, steps, () => changes.emit("change", row.id));
    const actor = await actorFor(row);
    const s: RunState = {
      actor,
      importId: row.id,
      appName: row.appName,
      teamId: row.teamId,
      made: { ...(row.made as Made) },
      progress,
      signal,
    };
    try {
      const runner = runners.get(row.kind as ImportKind);
      if (!runner) throw new Error(`no runner for ${row.kind} imports`);
      await runner(s, row, openSecret(row));
      removeFiles(row);
      await record(row.id, { status: "succeeded", secret: null, url: o.appUrl(row.appName), finishedAt: deps.now() });
    } catch (err) {
      // Stopping the control plane: the queue runs the job again at the next start, which resumes it.
      if (signal.reason instanceof JobInterruptedError) throw err;
      const reason = signal.aborted ? String((signal.reason as Error)?.message ?? signal.reason) : (err as Error).message;
      const latest = (await findImport(db, row.id)) ?? row;
      if (latest.status !== "running") return; // rolled back by the user meanwhile
      let undone = "";
      try {
        await undo(actor, { ...latest, made: { ...s.made } }, steps);
        undone = "; everything it made was removed";
      } catch (undoErr) {
        undone = `; removing what it made failed too (${(undoErr as Error).message}): roll it back again`;
      }
      await record(row.id, { status: "failed", error: `${reason}${undone}`, secret: null, finishedAt: deps.now() });
    }
  }

  /** A job the queue gave up on (restarted too often): the import fails, and what it made goes. */
  async function abandoned(job: Job, reason: string) {
    const row = await findImport(db, (job.payload as { importId: string }).importId);
    if (row?.status !== "running") return;
    let undone = "";
    try {
      await undo(
        await actorFor(row),
        row,
        (row.steps as ImportStep[]).map((s) => ({ ...s })),
      );
      undone = "; everything it made was removed";
    } catch (err) {
      undone = `; removing what it made failed too (${(err as Error).message}): roll it back again`;
    }
    await record(row.id, { status: "failed", error: `${reason}${undone}`, secret: null, finishedAt: deps.now() });
  }

  return {
    run,
    abandoned,
    /** Tells `listener` the id of every import that changed (in this process). */
    onChange(listener: (id: string) => void) {
      changes.on("change", listener);
      return () => changes.off("change", listener);
    },
    register(kind: ImportKind, runner: ImportRunner) {
      runners.set(kind, runner);
    },

    /** The Heroku apps the token sees, for the wizard's list. */
    async herokuApps(_actor: Actor, input: { herokuToken: string }) {
      const client = herokuClient(o.heroku, checkToken(input.herokuToken));
      const apps = await client.listApps();
      return {
        apps: apps.map((a) => ({
          id: a.id,
          name: a.name,
          stack: a.stack?.name ?? "",
          region: a.region?.name ?? null,
          updatedAt: a.updated_at,
        })),
      };
    },

    /** What importing the Heroku app would make, read from Heroku; nothing is made. */
    async herokuPlan(_actor: Actor, input: HerokuImportInput): Promise<ImportPlan> {
      const client = herokuClient(o.heroku, checkToken(input.herokuToken));
      const source =
        input.source?.kind === "git" ? { kind: "git" as const, url: input.source.url, ref: input.source.ref ?? null } : undefined;
      const plan = await analyzeHerokuApp(client, input.herokuApp, {
        ...(input.name ? { name: input.name } : {}),
        ...(source ? { source } : {}),
        ...(input.addonData ? { addonData: input.addonData } : {}),
        baseDomain: deps.baseDomain,
      });
      return plan;
    },

    /** Starts importing the Heroku app; refused (nothing made) when the name is taken or the plan cannot be made. */
    async startHeroku(actor: Actor, input: HerokuImportInput): Promise<{ id: string }> {
      const token = checkToken(input.herokuToken);
      const plan = await this.herokuPlan(actor, { ...input, herokuToken: token });
      if (plan.source.kind === "git") await parts.builds.checkGitSource(plan.source.url, plan.source.ref);
      const { name, teamId } = await parts.apps.checkCreate(actor, { name: plan.app.name, teamId: input.teamId });
      const options = { herokuApp: plan.heroku.name, source: plan.source.kind, addonData: input.addonData ?? null };
      return begin(actor, "heroku", { appName: name, teamId, source: `Heroku app "${plan.heroku.name}"`, options, plan }, token);
    },

    /**
     * Sets up a new app from a git source with an app.json (Heroku's app setup): built, then its
     * env, add-ons, formation and postdeploy honoured. `env` values are sealed until the setup ends.
     */
    async startAppJson(
      actor: Actor,
      input: {
        name: string;
        teamId?: string | undefined;
        source: { kind: "git"; url: string; ref?: string | null | undefined };
        env?: Record<string, string> | undefined;
      },
    ): Promise<{ id: string }> {
      const { name, teamId } = await parts.apps.checkCreate(actor, input);
      const source = { kind: "git" as const, url: input.source.url, ref: input.source.ref ?? null };
      await parts.builds.checkGitSource(source.url, source.ref);
      const env = input.env ?? {};
      for (const [key, value] of Object.entries(env)) {
        checkConfigKey(key);
        if (typeof value !== "string") throw new ValidationError(`env.${key} must be a string.`);
      }
      return begin(
        actor,
        "app-json",
        { appName: name, teamId, source: `app.json of ${source.url}`, options: { source } },
        JSON.stringify(env),
      );
    },

    /**
     * Imports another SkyPanel's export (uploaded to `uploadPath` by the API). The archive is read
     * and checked whole, and the passphrase tried, before anything is made: a damaged archive, a
     * wrong passphrase or a taken name is refused with nothing left behind (the upload included).
     */
    async startArchive(
      actor: Actor,
      input: { uploadPath: string; filename: string; passphrase: string; name?: string | undefined; teamId?: string | undefined },
    ): Promise<{ id: string }> {
      const dir = join(o.home, "imports", `archive-${randomUUID()}`);
      try {
        if (dirname(input.uploadPath) !== uploadsDir || !/^incoming-[0-9a-f-]{36}$/.test(basename(input.uploadPath)))
          throw new ValidationError("Upload the export through POST /api/imports/archive.");
        const passphrase = checkPassphrase(input.passphrase);
        const contents = await readExportArchive(input.uploadPath, dir);
        // An export's closure goes into the one Nix store every app's builds share, unsigned: a
        // hostile archive could plant a path another app's build later reuses. Until exports are
        // signed by a key this platform trusts, only a platform admin may bring one in.
        if (contents.artifactFile && !actor.isAdmin)
          throw new EngineError(
            "FORBIDDEN",
            "Only a platform admin may import an export that carries a build: its Nix store paths are shared by every app on this platform.",
          );
        await openWithPassphrase(contents.sealedConfig, passphrase);
        const { name, teamId } = await parts.apps.checkCreate(actor, {
          name: input.name ?? contents.manifest.app.name,
          teamId: input.teamId,
        });
        const sealedConfigFile = join(dir, "config.sealed");
        writeFileSync(sealedConfigFile, contents.sealedConfig, { mode: 0o600 });
        const options: ArchiveImportOptions = {
          dir,
          filename: input.filename.slice(0, 200),
          manifest: contents.manifest,
          artifactFile: contents.artifactFile,
          sealedConfigFile,
          dumps: Object.fromEntries(contents.dumps),
        };
        return await begin(
          actor,
          "archive",
          { appName: name, teamId, source: `export of ${contents.manifest.app.name} (${options.filename})`, options: { ...options } },
          passphrase,
        );
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      } finally {
        rmSync(input.uploadPath, { force: true });
      }
    },

    /** The app as one archive (see export-app.ts); the caller streams the file, then removes it. */
    async exportApp(actor: Actor, appRef: string, input: { passphrase: string; includeData?: boolean | undefined }) {
      const { exportId, filename, bytes } = await exportApp(parts, actor, appRef, {
        passphrase: input.passphrase,
        includeData: input.includeData ?? false,
      });
      return { exportId, filename, bytes };
    },
    /** The file of an export made by exportApp (the API streams it, then removes it). */
    exportFile: (exportId: string) => exportFile(o.home, exportId),
    removeExport: (exportId: string) => removeExport(o.home, exportId),

    async get(actor: Actor, id: string): Promise<ImportView> {
      return importView(await findVisible(actor, id));
    },

    async list(actor: Actor, limit = 20): Promise<ImportView[]> {
      return (await listImportsBy(db, actor.userId, Math.min(Math.max(1, limit), 100))).map(importView);
    },

    /**
     * Removes everything the import made; confirm with the app's name. A running import is
     * cancelled first. An import that failed has already removed what it made.
     */
    async rollback(actor: Actor, id: string, input: { confirm?: string | undefined }): Promise<ImportView> {
      const row = await findVisible(actor, id);
      if (row.status === "rolled_back") return importView(row);
      if (row.status === "failed") throw new EngineError("CONFLICT", "This import failed, and removed what it made when it did.");
      if (input.confirm !== row.appName)
        throw new ValidationError(
          `Rolling back deletes the app ${row.appName} and its add-ons' data: confirm with the app's name, "${row.appName}".`,
        );
      // Marked first, so the running job (cancelled next) does not undo and record a failure too.
      await record(row.id, { status: "rolled_back", secret: null, finishedAt: deps.now() });
      if (row.jobId) {
        await o.queue.cancel(row.jobId);
        await jobEnded(row.jobId);
      }
      const latest = (await findImport(db, row.id)) ?? row;
      await undo(
        actor,
        latest,
        (latest.steps as ImportStep[]).map((s) => ({ ...s })),
      );
      return importView((await findImport(db, row.id)) ?? latest);
    },

    setDns: (id: string) => async (dns: DnsInstruction[]) => void (await record(id, { dns })),
    workDir,
    uploadsDir,
  };
}

export type Imports = ReturnType<typeof createImports>;

/** The archive runner: the export's passphrase is the import's secret. */
export function archiveRunner(parts: ExportParts, imports: Imports): ImportRunner {
  return (s, row, passphrase) =>
    runArchiveImport(parts, s, row.options as unknown as ArchiveImportOptions, passphrase, imports.setDns(row.id));
}

/** The app.json runner: the caller's env values are the import's secret. */
export function appJsonRunner(parts: ImportParts): ImportRunner {
  return (s, row, secret) =>
    runAppJsonSetup(parts, s, row.options as unknown as AppJsonSetupOptions, JSON.parse(secret) as Record<string, string>);
}

/** The Heroku runner, registered by the engine (kept here so the service has its kinds in one place). */
export function herokuRunner(parts: ImportParts, imports: Imports, settings: HerokuSettings): ImportRunner {
  return (s, row, token) =>
    runHerokuImport(
      parts,
      s,
      row.plan as unknown as ImportPlan,
      herokuClient(settings, token),
      imports.workDir(row.id),
      imports.uploadsDir,
      imports.setDns(row.id),
    );
}

export type { PlannedSource };
