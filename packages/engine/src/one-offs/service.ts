// One-off processes (Heroku's `run`): a command run once in an instance of the app's current
// release, in the same sandbox, network and limits as a web instance, with the app's config.
// Attached ones start when their caller attaches (nothing they print is lost) and end with it;
// detached ones start at once and write to the app's logs.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Database, OneOffProcess, OneOffStatus } from "@skypanel/db";
import {
  endUnfinishedOneOffs,
  findOneOff,
  findReleaseById,
  insertOneOff,
  isUuid,
  listOneOffs,
  updateOneOff,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { RunningApps } from "../deploy/index.ts";
import { INSTANCE_PORT } from "../deploy/index.ts";
import { egressPolicyOf } from "../egress/index.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { type FormationService, instanceLimits } from "../formation/index.ts";
import type { LogStore } from "../logs/index.ts";
import { freePort } from "../process/free-port.ts";
import type { Releases } from "../releases/index.ts";
import { type AttachedInstance, clampSize, DEFAULT_LIMITS, type InstanceExit, type TerminalSize } from "../runtime/index.ts";

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = 86_400;
/** An attached one-off nobody attaches to within this long is given up. */
export const ATTACH_WITHIN_MS = 30_000;
// Stopping (timeout, the user, a hang-up) gives the process this long before SIGKILL.
const STOP_GRACE_MS = 5_000;

export interface OneOffRequest {
  command: string;
  /** Default true: the caller attaches (a terminal when `size` is given); false: output to the logs. */
  attach?: boolean;
  /** The caller's terminal: the process runs on a pseudo-terminal of this size. */
  size?: TerminalSize;
  timeoutSeconds?: number;
}

/** What the API shows of a one-off. */
export function oneOffView(row: OneOffProcess, appName: string) {
  return {
    id: row.id,
    name: `run.${row.number}`,
    number: row.number,
    command: row.command,
    attach: row.attach,
    status: row.status,
    exitCode: row.exitCode,
    exitReason: row.exitReason,
    releaseId: row.releaseId,
    timeoutSeconds: row.timeoutSeconds,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    attachUrl: row.attach ? `/api/apps/${encodeURIComponent(appName)}/one-offs/${row.id}/attach` : null,
  };
}
export type OneOffView = ReturnType<typeof oneOffView>;

export class OneOffNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `No one-off process "${id}" on this app.`);
  }
}

/** An attached one-off's pipes, handed to the caller that attached. */
export interface OneOffSession {
  oneOff: OneOffView;
  instance: AttachedInstance;
  /** The exit code as the caller should see it (null when it could not be known). */
  exited: Promise<number | null>;
}

interface Pending {
  row: OneOffProcess;
  appName: string;
  size: TerminalSize | null;
  expire: NodeJS.Timeout;
}

export function createOneOffs(
  db: Database,
  apps: Apps,
  releases: Releases,
  formation: FormationService,
  x: { running: RunningApps | null; logStore: LogStore; bus: EventBus },
) {
  const pending = new Map<string, Pending>();
  /** Started one-offs: the instance, and its end once the row says how it ended. */
  const live = new Map<string, { instance: AttachedInstance; finished: Promise<number | null> }>();

  const announce = (row: OneOffProcess) =>
    x.bus.publish({ type: "one-off.updated", appId: row.appId, oneOffId: row.id, status: row.status });

  async function setStatus(row: OneOffProcess, values: Partial<OneOffProcess>) {
    const updated = (await updateOneOff(db, row.id, values)) ?? { ...row, ...values };
    announce(updated);
    return updated;
  }

  function checkRequest(req: OneOffRequest) {
    const command = req.command?.trim() ?? "";
    if (!command) throw new ValidationError("A one-off needs a command, e.g. `bash` or `node -e 'console.log(1)'`.");
    if (command.length > 16_384 || command.includes("\0")) throw new ValidationError("The command is at most 16 KiB, without NUL bytes.");
    const timeout = req.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS)
      throw new ValidationError(`The timeout is 1–${MAX_TIMEOUT_SECONDS} seconds.`);
    return { command, timeout };
  }

  /** Starts the instance of a one-off row: the current release's artifact, config and web limits. */
  async function launch(row: OneOffProcess, appName: string, size: TerminalSize | null): Promise<AttachedInstance> {
    const running = x.running;
    const release = row.releaseId ? await findReleaseById(db, row.releaseId) : null;
    if (!running || !release?.storePath) throw new EngineError("PRECONDITION_FAILED", "The release this one-off was to run is gone.");
    // The web process's limits, else the first process type's; with none at all, the runtime's defaults.
    const processes = await formation.current(row.appId, row.releaseId);
    const sized = processes.find((p) => p.processType === "web") ?? processes[0];
    const env = { ...releases.environment(release), DYNO: `run.${row.number}`, ...(size ? { TERM: "xterm-256color" } : {}) };
    const instance = await running.runtime.startAttached(
      {
        instanceId: randomUUID(),
        appName,
        processType: "run",
        command: row.command,
        artifactPath: release.storePath,
        env,
        port: running.mode === "process" ? await freePort() : INSTANCE_PORT,
        limits: sized ? instanceLimits(sized) : DEFAULT_LIMITS,
        mode: running.mode,
        egress: await egressPolicyOf(db, row.appId),
      },
      size,
    );
    return instance;
  }

  /** Watches a started one-off to its end: the timeout, then its row's final status. */
  function watch(row: OneOffProcess, instance: AttachedInstance): Promise<number | null> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void instance.stop(STOP_GRACE_MS);
    }, row.timeoutSeconds * 1000);
    const finished = instance.wait().then(async (exit) => {
      clearTimeout(timer);
      live.delete(row.id);
      const { status, reason } = outcome(exit, timedOut, row.timeoutSeconds);
      await setStatus(row, { status, exitCode: exit.code, exitReason: reason, finishedAt: new Date() });
      return exit.code;
    });
    live.set(row.id, { instance, finished });
    return finished;
  }

  async function resolveApp(actor: Actor, appRef: string, permission: "read" | "write") {
    const { app } = await apps.resolve(
      actor,
      appRef,
      permission,
      permission === "read" ? "viewing one-off processes" : "running one-off processes",
    );
    return app;
  }

  return {
    /** Records a one-off and, when detached, starts it; an attached one waits for `attach`. */
    async start(actor: Actor, appRef: string, req: OneOffRequest): Promise<OneOffView> {
      const app = await resolveApp(actor, appRef, "write");
      const { command, timeout } = checkRequest(req);
      if (!x.running) throw new EngineError("PRECONDITION_FAILED", "This platform runs no apps: it was started without a runtime.");
      const release = app.currentReleaseId ? await findReleaseById(db, app.currentReleaseId) : null;
      if (!release?.storePath) throw new EngineError("PRECONDITION_FAILED", `${app.name} has no release to run yet: deploy it first.`);
      const attach = req.attach ?? true;
      const row = await withActor(db, actor, (tx) =>
        insertOneOff(tx, { appId: app.id, releaseId: release.id, command, attach, timeoutSeconds: timeout, createdBy: actor.userId }),
      );
      announce(row);
      if (attach) {
        const size = req.size ? { cols: clampSize(req.size.cols), rows: clampSize(req.size.rows) } : null;
        const expire = setTimeout(() => {
          pending.delete(row.id);
          void setStatus(row, {
            status: "stopped",
            exitReason: `no one attached within ${ATTACH_WITHIN_MS / 1000} s`,
            finishedAt: new Date(),
          });
        }, ATTACH_WITHIN_MS);
        expire.unref();
        pending.set(row.id, { row, appName: app.name, size, expire });
        return oneOffView(row, app.name);
      }
      const { started } = await runDetached(row, app.name);
      return oneOffView(started, app.name);
    },

    /**
     * For scheduled jobs: a detached one-off of the app's current release, asked for by no user,
     * and its final row once it ends (its output goes to the app's logs like any detached one).
     */
    async startScheduled(
      app: { id: string; name: string; currentReleaseId: string | null },
      req: { command: string; timeoutSeconds: number },
    ): Promise<{ oneOff: OneOffProcess; ended: Promise<OneOffProcess> }> {
      const { command, timeout } = checkRequest(req);
      if (!x.running) throw new EngineError("PRECONDITION_FAILED", "This platform runs no apps: it was started without a runtime.");
      const release = app.currentReleaseId ? await findReleaseById(db, app.currentReleaseId) : null;
      if (!release?.storePath) throw new EngineError("PRECONDITION_FAILED", `${app.name} has no release to run yet: deploy it first.`);
      const row = await insertOneOff(db, { appId: app.id, releaseId: release.id, command, attach: false, timeoutSeconds: timeout });
      announce(row);
      const { started, finished } = await runDetached(row, app.name);
      return { oneOff: started, ended: finished.then(async () => (await findOneOff(db, app.id, row.id)) ?? started) };
    },

    /** Starts an attached one-off for the caller who attaches to it; a second attach is refused. */
    async attach(actor: Actor, appRef: string, id: string): Promise<OneOffSession> {
      const app = await resolveApp(actor, appRef, "write");
      const p = pending.get(id);
      if (!p || p.row.appId !== app.id) {
        const row = isUuid(id) ? await findOneOff(db, app.id, id) : null;
        if (!row) throw new OneOffNotFoundError(id);
        throw new EngineError(
          "CONFLICT",
          `run.${row.number} is ${row.status}${row.attach ? " and already attached" : " and was started detached"}.`,
        );
      }
      pending.delete(id);
      clearTimeout(p.expire);
      let instance: AttachedInstance;
      try {
        instance = await launch(p.row, p.appName, p.size);
      } catch (err) {
        await setStatus(p.row, { status: "failed", exitReason: `did not start: ${(err as Error).message}`, finishedAt: new Date() });
        throw err;
      }
      const row = await setStatus(p.row, { status: "running", startedAt: new Date() });
      return { oneOff: oneOffView(row, p.appName), instance, exited: watch(row, instance) };
    },

    async list(actor: Actor, appRef: string, limit = 50): Promise<OneOffView[]> {
      const app = await resolveApp(actor, appRef, "read");
      return (await listOneOffs(db, app.id, Math.min(Math.max(limit, 1), 200))).map((r) => oneOffView(r, app.name));
    },

    async get(actor: Actor, appRef: string, id: string): Promise<OneOffView> {
      const app = await resolveApp(actor, appRef, "read");
      const row = isUuid(id) ? await findOneOff(db, app.id, id) : null;
      if (!row) throw new OneOffNotFoundError(id);
      return oneOffView(row, app.name);
    },

    /** Stops a running one-off (SIGTERM, then SIGKILL after a grace period), or gives up a pending one. */
    async stop(actor: Actor, appRef: string, id: string): Promise<OneOffView> {
      const app = await resolveApp(actor, appRef, "write");
      const row = isUuid(id) ? await findOneOff(db, app.id, id) : null;
      if (!row) throw new OneOffNotFoundError(id);
      const p = pending.get(id);
      if (p) {
        pending.delete(id);
        clearTimeout(p.expire);
        return oneOffView(
          await setStatus(row, { status: "stopped", exitReason: "stopped before anyone attached", finishedAt: new Date() }),
          app.name,
        );
      }
      const started = live.get(id);
      if (started) {
        await started.instance.stop(STOP_GRACE_MS);
        await started.finished;
      }
      return oneOffView((await findOneOff(db, app.id, id)) ?? row, app.name);
    },

    /** At start: one-offs an earlier control plane ran ended with it (their callers and pipes are gone). */
    async recover() {
      await endUnfinishedOneOffs(db, "the control plane restarted while it ran");
    },

    /** Stops every one-off this control plane runs (platform stop). */
    async stopAll() {
      for (const p of pending.values()) clearTimeout(p.expire);
      pending.clear();
      await Promise.all([...live.values()].map(({ instance }) => instance.stop(STOP_GRACE_MS)));
    },
  };

  async function runDetached(row: OneOffProcess, appName: string): Promise<{ started: OneOffProcess; finished: Promise<unknown> }> {
    let instance: AttachedInstance;
    try {
      instance = await launch(row, appName, null);
    } catch (err) {
      await setStatus(row, { status: "failed", exitReason: `did not start: ${(err as Error).message}`, finishedAt: new Date() });
      throw err;
    }
    instance.io.input.end();
    const forward = (stream: "stdout" | "stderr", from: NodeJS.ReadableStream) =>
      createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
        x.logStore.append({ appId: row.appId, instanceId: row.id, processType: "run", stream, line }),
      );
    forward("stdout", instance.io.output);
    forward("stderr", instance.io.errors);
    const started = await setStatus(row, { status: "running", startedAt: new Date() });
    const finished = watch(started, instance).then((code) =>
      x.logStore.append({
        appId: row.appId,
        instanceId: row.id,
        processType: "run",
        source: "platform",
        stream: "system",
        line: `run.${row.number} (${row.command}) ended: exit code ${code ?? "unknown"}`,
      }),
    );
    return { started, finished };
  }
}

/** The row's final status and the reason in words. */
export function outcome(exit: InstanceExit, timedOut: boolean, timeoutSeconds: number): { status: OneOffStatus; reason: string } {
  if (timedOut) return { status: "timed_out", reason: `stopped after its timeout of ${timeoutSeconds} s` };
  if (exit.reason === "oom-killed") return { status: "failed", reason: "killed for using more memory than its limit" };
  if (exit.reason === "stopped" || exit.reason === "killed") return { status: "stopped", reason: "stopped" };
  return exit.code === 0
    ? { status: "succeeded", reason: "exited with code 0" }
    : { status: "failed", reason: `exited with code ${exit.code ?? exit.signal ?? "?"}` };
}

export type OneOffs = ReturnType<typeof createOneOffs>;
