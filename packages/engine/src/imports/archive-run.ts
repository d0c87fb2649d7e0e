// Another SkyPanel's export, imported: the archive was read and checked whole (and its passphrase
// tried) before the import started; the run makes the app from the manifest, opens the config
// with the passphrase, loads the build's closure into this platform's Nix store and deploys it as
// it was built there, without rebuilding.
import { readFileSync, statSync } from "node:fs";
import type { BuildPlan } from "@skypanel/db";
import type { Autoscale, AutoscalePolicyInput } from "../autoscale/index.ts";
import { type ExportManifest, importClosureFor, openWithPassphrase } from "../exports/index.ts";
import { checkHealthCheckSettings } from "../health/settings.ts";
import type { NixEnv } from "../nix/index.ts";
import {
  addDomains,
  deploy,
  type ImportParts,
  loadDumps,
  makeAddons,
  makeApp,
  type RunState,
  saveMade,
  scale,
  setConfig,
  verify,
  type WantedAddon,
} from "./setup.ts";
import type { DnsInstruction } from "./types.ts";

/** What an archive import keeps in its options: where the checked archive was extracted. */
export interface ArchiveImportOptions {
  dir: string;
  filename: string;
  manifest: ExportManifest;
  artifactFile: string | null;
  sealedConfigFile: string;
  dumps: Record<string, string>;
}

export interface ArchiveParts extends ImportParts {
  autoscale: Autoscale;
  nixEnv: () => Promise<NixEnv>;
}

/** The exported add-ons, each attached as the first var it had there. */
export function exportedAddons(manifest: ExportManifest): WantedAddon[] {
  return manifest.addons.flatMap((a, i) => {
    const as = a.as[0];
    return as ? [{ key: a.dump ?? `addon${i + 1}:${as}`, type: a.type, plan: a.plan, as }] : [];
  });
}

export async function runArchiveImport(
  parts: ArchiveParts,
  s: RunState,
  o: ArchiveImportOptions,
  passphrase: string,
  setDns: (dns: DnsInstruction[]) => Promise<void>,
) {
  const m = o.manifest;
  const addons = exportedAddons(m);
  const keys = Object.keys(m.appJson.env);
  await s.progress.run("app", () => makeApp(parts, s, m.app.description ?? `Imported from an export of ${m.app.name}`));
  await s.progress.run("config", async () => {
    const vars = JSON.parse((await openWithPassphrase(readFileSync(o.sealedConfigFile), passphrase)).toString("utf8")) as Record<
      string,
      string
    >;
    return setConfig(parts, s, vars);
  });
  await s.progress.run("addons", () => makeAddons(parts, s, addons));
  await s.progress.run("data", () =>
    loadDumps(
      parts,
      s,
      addons.flatMap((a) => {
        const file = o.dumps[a.key];
        return file ? [{ key: a.key, file: async () => file }] : [];
      }),
    ),
  );
  await s.progress.run("domains", async () => {
    const { outcome, dns } = await addDomains(parts, s, m.domains);
    await setDns(dns);
    return outcome;
  });
  await s.progress.run("artifact", async () => {
    if (!m.current || !o.artifactFile) return { skipped: "the export has no build to run" };
    if (!s.made.buildId) {
      await importClosureFor(await parts.nixEnv(), o.artifactFile, m.current.storePath);
      const build = await parts.builds.recordArtifact(s.actor, s.made.appId ?? "", {
        storePath: m.current.storePath,
        plan: m.current.plan as unknown as BuildPlan,
        filename: o.filename,
        bytes: statSync(o.artifactFile).size,
      });
      s.made.buildId = build.id;
      await saveMade(parts.db, s);
    }
    return `${m.current.storePath} loaded into the Nix store (not rebuilt)`;
  });
  await s.progress.run("deploy", async () => {
    if (!s.made.buildId) return { skipped: "nothing to deploy" };
    return deploy(parts, s, () => parts.deployments.create(s.actor, s.made.appId ?? "", { buildId: s.made.buildId ?? "" }));
  });
  await s.progress.run("formation", async () => {
    if (!s.made.buildId) return { skipped: "no release to scale" };
    const limits = Object.fromEntries(
      m.formation.map((f) => [
        f.processType,
        {
          quantity: f.quantity,
          ...(f.memoryMb !== null ? { memoryMb: f.memoryMb } : {}),
          ...(f.cpuQuota !== null ? { cpuQuota: f.cpuQuota } : {}),
          ...(f.maxProcs !== null ? { maxProcs: f.maxProcs } : {}),
          // Checked again by scale, as any setting from outside is.
          ...(f.healthCheck ? { healthCheck: checkHealthCheckSettings(f.healthCheck) } : {}),
        },
      ]),
    );
    const said = await scale(parts, s, limits);
    for (const policy of (m.autoscale ?? []) as (AutoscalePolicyInput & { processType: string })[]) {
      await parts.autoscale.set(s.actor, s.made.appId ?? "", policy.processType, policy);
    }
    const policies = ((m.autoscale ?? []) as unknown[]).length;
    return typeof said === "string" && policies > 0 ? `${said}; ${policies} autoscale polic${policies === 1 ? "y" : "ies"} set` : said;
  });
  const web = m.formation.find((f) => f.processType === "web");
  await s.progress.run("verify", () =>
    verify(parts, s, [...keys, ...addons.map((a) => a.as)], Boolean(s.made.buildId) && (web?.quantity ?? 0) > 0),
  );
}
