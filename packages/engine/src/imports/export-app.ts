// A whole app as one archive, for another SkyPanel to import: its manifest (app.json-compatible,
// plus formation, domains, limits, autoscale policies and release history), its config sealed
// under the user's passphrase (never the platform's key), the current build's Nix closure, and,
// when asked, its PostgreSQL add-ons' data.
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { findBuild } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { AddonType } from "../addons/index.ts";
import type { Autoscale } from "../autoscale/index.ts";
import { EngineError } from "../errors.ts";
import {
  checkPassphrase,
  dumpMember,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportManifestDraft,
  exportClosure,
  sealWithPassphrase,
  writeExportArchive,
} from "../exports/index.ts";
import type { NixEnv } from "../nix/index.ts";
import type { Releases } from "../releases/index.ts";
import type { ImportParts } from "./setup.ts";

export interface ExportParts extends ImportParts {
  releases: Releases;
  autoscale: Autoscale;
  nixEnv: () => Promise<NixEnv>;
  home: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const exportDir = (home: string, exportId: string) => join(home, "exports", exportId);

/** The archive of a finished export, by its id (for the API to stream), or null. */
export function exportFile(home: string, exportId: string): string | null {
  if (!UUID.test(exportId)) return null;
  const name = readdirSync(exportDir(home, exportId), { withFileTypes: true }).find(
    (e) => e.isFile() && e.name.endsWith(".skypanel.tar.gz"),
  );
  return name ? join(exportDir(home, exportId), name.name) : null;
}

/** Removes an export's folder once it was sent. */
export function removeExport(home: string, exportId: string) {
  if (UUID.test(exportId)) rmSync(exportDir(home, exportId), { recursive: true, force: true });
}

/** The newest releases an export keeps in its history. */
export const EXPORTED_RELEASES = 100;

/**
 * Writes the app's export to a file under $SKYPANEL_HOME/exports and returns it; the caller
 * streams it and then removes it. Only those who may change the app may export it (the export
 * holds its config).
 */
export async function exportApp(
  parts: ExportParts,
  actor: Actor,
  appRef: string,
  input: { passphrase: string; includeData?: boolean },
): Promise<{ exportId: string; file: string; filename: string; bytes: number }> {
  const passphrase = checkPassphrase(input.passphrase);
  const { app } = await parts.apps.resolve(actor, appRef, "write", "exporting the app");
  const exportId = randomUUID();
  const dir = exportDir(parts.home, exportId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const addons = (await parts.addons.list(actor, app.id)).filter((a) => a.owner.id === app.id);
    // Add-on vars are made again by the importing platform's add-ons; copying them would point at this one's servers.
    const addonVars = new Set(addons.flatMap((a) => a.attachments.filter((t) => t.appId === app.id).map((t) => t.as)));
    const config = (await parts.config.get(actor, app.id, { revealSecrets: true })).vars.filter((v) => !addonVars.has(v.key));
    if (config.some((v) => v.value === null))
      throw new EngineError("FORBIDDEN", "Exporting needs the right to read the app's config values.");
    const vars = Object.fromEntries(config.map((v) => [v.key, v.value ?? ""]));

    const history = (await parts.releases.list(actor, app.id)).slice(0, EXPORTED_RELEASES);
    const current = history.find((r) => r.id === app.currentReleaseId) ?? null;
    const build = current?.buildId ? await findBuild(parts.db, app.id, current.buildId) : null;
    let artifact: string | null = null;
    if (current?.storePath) {
      artifact = join(dir, "artifact.closure");
      await exportClosure(await parts.nixEnv(), current.storePath, artifact);
    }

    const dumps: { member: string; file: string }[] = [];
    const exportedAddons: ExportManifestDraft["addons"] = [];
    for (const [i, a] of addons.entries()) {
      let dump: string | null = null;
      if (input.includeData && a.type === "postgresql") {
        dump = dumpMember(`addon${i + 1}`);
        const file = join(dir, `addon${i + 1}.dump`);
        await parts.addons.dumpTo(actor, app.id, a.id, file);
        dumps.push({ member: dump, file });
      }
      exportedAddons.push({
        type: a.type as AddonType,
        plan: a.plan,
        as: a.attachments.filter((t) => t.appId === app.id).map((t) => t.as),
        dump,
      });
    }

    const formation = await parts.formation.get(actor, app.id);
    const policies = (await parts.autoscale.get(actor, app.id)).policies.filter((p) => p.saved);
    const manifest: ExportManifestDraft = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: new Date().toISOString(),
      platform: {},
      app: { name: app.name, description: app.description || null },
      appJson: {
        name: app.name,
        ...(app.description ? { description: app.description } : {}),
        env: Object.fromEntries(Object.keys(vars).map((k) => [k, { required: true as const }])),
        formation: Object.fromEntries(formation.map((f) => [f.processType, { quantity: f.quantity }])),
        addons: exportedAddons.flatMap((a) =>
          a.as[0] ? [{ plan: a.type === "postgresql" ? "heroku-postgresql" : "heroku-redis", as: a.as[0] }] : [],
        ),
      },
      formation: formation.map((f) => ({
        processType: f.processType,
        quantity: f.quantity,
        memoryMb: f.memoryMb,
        cpuQuota: f.cpuQuota,
        maxProcs: f.maxProcs,
        healthCheck: f.healthCheck as never,
      })),
      domains: (await parts.domains.list(actor, app.id)).map((d) => d.hostname),
      autoscale: policies.length > 0 ? policies : null,
      releases: history.map((r) => ({
        version: r.version,
        description: r.description,
        createdAt: r.createdAt.toISOString(),
        storePath: r.storePath,
      })),
      current:
        current?.storePath && artifact
          ? { storePath: current.storePath, processes: current.processes, plan: (build?.plan ?? { processes: current.processes }) as never }
          : null,
      addons: exportedAddons,
    };
    const sealedConfig = await sealWithPassphrase(Buffer.from(JSON.stringify(vars), "utf8"), passphrase);
    const file = join(dir, `${app.name}.skypanel.tar.gz`);
    await writeExportArchive(file, { manifest, sealedConfig, artifact, dumps });
    for (const d of dumps) rmSync(d.file, { force: true });
    if (artifact) rmSync(artifact, { force: true });
    return { exportId, file, filename: `${app.name}-${new Date().toISOString().slice(0, 10)}.skypanel.tar.gz`, bytes: statSync(file).size };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
