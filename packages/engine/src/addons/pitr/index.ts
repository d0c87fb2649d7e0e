// Point-in-time recovery of PostgreSQL add-ons, on an add-on server the platform manages: one
// that archives its WAL into a folder the platform reads (SKYPANEL_ADDON_PITR_ARCHIVE_DIR) and
// that the platform reaches as its OS user for base backups. Turned on per add-on; a restore goes
// into a NEW add-on: the whole server is recovered to the time in a scratch cluster
// (recover.ts), and only this add-on's database is dumped out of it into the new one.
import type { Addon } from "@skypanel/db";
import { findAddon, updateAddon, withActor } from "@skypanel/db/queries";
import type { Actor } from "../../actor.ts";
import type { EngineDeps } from "../../deps.ts";
import { EngineError, ValidationError } from "../../errors.ts";
import type { AddonAccess } from "../backups.ts";
import { pgDumpStream, pgRestore } from "../pg-dump.ts";
import { archivedUntil, listBaseBackups, type PitrSettings, takeBaseBackup } from "./cluster.ts";
import { withServerAt } from "./recover.ts";

export { type PitrSettings, serverBinDir } from "./cluster.ts";

/** What an add-on's panel shows: whether it is on, and the times it can be restored to. */
export interface PitrWindow {
  enabled: boolean;
  earliest: Date | null;
  latest: Date | null;
}

/** On a new add-on made by restoreToTime: where from, to when, and how it went. */
export interface PointInTimeRestore {
  from: string;
  at: string;
  status: "running" | "succeeded" | "failed";
  error: string | null;
}

interface PitrDetails {
  resource: string;
  server: string;
  /** PITR on since (ISO time); absent: off. */
  pitrSince?: string;
  restoredToTime?: PointInTimeRestore;
}

type PitrAccess = Omit<AddonAccess, "alsoDue">;

const DAY_MS = 24 * 3600_000;

export function createPitr(deps: EngineDeps, settings: PitrSettings | null, serverUrl: string | undefined, access: PitrAccess) {
  const { db } = deps;
  const running = new Map<string, Promise<void>>();
  const serverHost = serverUrl ? new URL(serverUrl).host : null;
  const port = () => settings?.port ?? Number(new URL(serverUrl ?? "postgres://x").port || 5432);

  function managed(row: Addon): PitrSettings | null {
    return settings && row.type === "postgresql" && (row.details as PitrDetails).server === serverHost ? settings : null;
  }

  function window(row: Addon): PitrWindow | null {
    const s = managed(row);
    if (!s) return null;
    const since = (row.details as PitrDetails).pitrSince;
    if (!since) return { enabled: false, earliest: null, latest: null };
    const oldest = listBaseBackups(s)[0];
    const latest = archivedUntil(s);
    const earliest = oldest ? new Date(Math.max(oldest.finishedAt.getTime(), Date.parse(since))) : null;
    return { enabled: true, earliest, latest: earliest && latest && latest > earliest ? latest : null };
  }

  async function setDetails(actor: Actor, id: string, change: (d: PitrDetails) => PitrDetails) {
    const row = await findAddon(db, id);
    if (!row) return;
    await withActor(db, actor, (tx) => updateAddon(tx, id, { details: { ...change(row.details as PitrDetails) } }));
  }

  function require(row: Addon): PitrSettings {
    if (row.type !== "postgresql")
      throw new ValidationError(`Only PostgreSQL add-ons have point-in-time recovery; ${row.name} is ${row.type}.`);
    const s = managed(row);
    if (!s) {
      throw new EngineError(
        "PRECONDITION_FAILED",
        settings
          ? `${row.name} is not on the add-on server the platform archives (${serverHost}).`
          : "Point-in-time recovery needs an add-on server that archives its WAL: set SKYPANEL_ADDON_PITR_ARCHIVE_DIR and SKYPANEL_ADDON_PITR_DIR (see README, Add-on backups).",
      );
    }
    return s;
  }

  return {
    window,

    /** Turns PITR on for the add-on, taking a base backup of the server first when there is none from the last day. */
    async enable(actor: Actor, idOrName: string, addonId: string): Promise<PitrWindow> {
      const { row } = await access.find(actor, idOrName, addonId, "write", "setting up point-in-time recovery", true);
      const s = require(row);
      const newest = listBaseBackups(s).at(-1);
      const base =
        newest && deps.now().getTime() - newest.finishedAt.getTime() < DAY_MS ? newest : await takeBaseBackup(s, port(), deps.now);
      if (!(row.details as PitrDetails).pitrSince) {
        await setDetails(actor, row.id, (d) => ({ ...d, pitrSince: base.finishedAt.toISOString() }));
      }
      await access.announce(row.id);
      return window((await findAddon(db, row.id)) ?? row) ?? { enabled: false, earliest: null, latest: null };
    },

    async disable(actor: Actor, idOrName: string, addonId: string): Promise<PitrWindow> {
      const { row } = await access.find(actor, idOrName, addonId, "write", "setting up point-in-time recovery", true);
      require(row);
      await setDetails(actor, row.id, ({ pitrSince: _, ...d }) => d);
      await access.announce(row.id);
      return { enabled: false, earliest: null, latest: null };
    },

    /**
     * Restores the add-on's database as it was at `at` into a new add-on of the app, attached as
     * `as` (default DATABASE_RESTORED_URL). Answers at once with the new add-on's id; its
     * `restoredToTime` says how the restore goes.
     */
    async restoreToTime(
      actor: Actor,
      idOrName: string,
      addonId: string,
      input: { at: Date; as?: string },
    ): Promise<{ addonId: string; restore: PointInTimeRestore }> {
      const { app, row } = await access.find(actor, idOrName, addonId, "write", "restoring add-ons to a point in time", true);
      const s = require(row);
      const win = window(row);
      const at = input.at;
      if (Number.isNaN(at.getTime())) throw new ValidationError("The time to restore to is not a valid date.");
      if (!win?.enabled || !win.earliest || !win.latest) {
        throw new EngineError(
          "CONFLICT",
          `${row.name} has no restorable window yet: turn point-in-time recovery on and let WAL be archived.`,
        );
      }
      if (at < win.earliest || at > win.latest) {
        throw new ValidationError(
          `${row.name} can be restored to times from ${win.earliest.toISOString()} to ${win.latest.toISOString()}; ${at.toISOString()} is outside.`,
        );
      }
      if (running.size)
        throw new EngineError("CONFLICT", "A point-in-time restore is already running on this platform; wait for it to finish.");
      const base = listBaseBackups(s)
        .filter((b) => b.finishedAt <= at)
        .at(-1);
      if (!base) throw new ValidationError(`No base backup finished before ${at.toISOString()}.`);
      const target = await access.provisionFor(actor, app, row, input.as ?? "DATABASE_RESTORED_URL");
      const restore: PointInTimeRestore = { from: row.id, at: at.toISOString(), status: "running", error: null };
      await setDetails(actor, target.id, (d) => ({ ...d, restoredToTime: restore }));
      await withActor(db, actor, (tx) => updateAddon(tx, target.id, { status: "restoring" }));
      const resource = (row.details as PitrDetails).resource;
      const work = (async () => {
        let outcome: PointInTimeRestore;
        try {
          await withServerAt(s, base, at, async (server) => {
            // The dump streams straight into the new add-on; a failed pg_dump fails the stream, so nothing is committed.
            await pgRestore(access.openUrl(target), pgDumpStream(server.env(resource)));
          });
          outcome = { ...restore, status: "succeeded" };
        } catch (err) {
          outcome = { ...restore, status: "failed", error: (err as Error).message.slice(0, 4_000) };
        }
        await setDetails(actor, target.id, (d) => ({ ...d, restoredToTime: outcome }));
        await withActor(db, actor, (tx) => updateAddon(tx, target.id, { status: "available" }));
        await access.announce(target.id);
      })()
        .catch((err) => console.error("[addons] point-in-time restore:", (err as Error).message))
        .finally(() => running.delete(target.id));
      running.set(target.id, work);
      await access.announce(target.id);
      return { addonId: target.id, restore };
    },

    /** Daily: a fresh base backup while any add-on has PITR on (older ones and their WAL are pruned). */
    async runDue(addons: Addon[]) {
      if (!settings || !addons.some((a) => managed(a) && (a.details as PitrDetails).pitrSince)) return;
      const newest = listBaseBackups(settings).at(-1);
      if (newest && deps.now().getTime() - newest.finishedAt.getTime() < DAY_MS) return;
      await takeBaseBackup(settings, port(), deps.now);
    },

    /** Resolves when the point-in-time restore into `addonId` (if any) has finished. */
    async waitFor(addonId: string) {
      await running.get(addonId);
    },

    async stop() {
      await Promise.allSettled([...running.values()]);
    },
  };
}

export type Pitr = ReturnType<typeof createPitr>;
