// manifest.json: what an export holds, in the exporting platform's words. It comes back as an
// upload, so every string, list and map is bounded and every name is held to the platform's
// own rule; members' sizes and SHA-256s let the reader check every other file against it.
import { z } from "zod";
import type { AddonType } from "../addons/index.ts";
import { checkAppName } from "../apps/names.ts";
import { checkConfigKey } from "../config-vars/rules.ts";
import { MAX_COMMAND_LENGTH, MAX_PROCESS_TYPES, PROCESS_TYPE_RULE } from "../detect/procfile.ts";
import { checkDomainName } from "../domains/hostname.ts";
import { MAX_QUANTITY } from "../formation/index.ts";
import { isStorePath } from "../nix/index.ts";
import { boundedJson } from "./bounded-json.ts";
import { InvalidManifestError } from "./errors.ts";
import { ARTIFACT_MEMBER, CONFIG_MEMBER, isDumpMember, MANIFEST_MEMBER, memberKind } from "./members.ts";

export const EXPORT_FORMAT = "skypanel-export";
export const EXPORT_VERSION = 1;

export const MANIFEST_LIMITS = {
  releases: 500,
  domains: 1000,
  addons: 50,
  configKeys: 1000,
  members: 64,
  text: 2000,
} as const;

const ADDON_TYPE_NAMES = ["postgresql", "redis"] as const satisfies readonly AddonType[];

/** A platform rule that throws, as a predicate; the value must also be the rule's canonical form. */
const follows = (rule: (v: string) => string) => (v: string) => {
  try {
    return rule(v) === v;
  } catch {
    return false;
  }
};

const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max, `more than ${max} entries`);
const text = (max: number = MANIFEST_LIMITS.text) => z.string().max(max, `longer than ${max} characters`);
const appName = z.string().max(64).refine(follows(checkAppName), "not a valid app name");
const configKey = z.string().max(255).refine(follows(checkConfigKey), "not a valid config var name");
const processType = z.string().regex(PROCESS_TYPE_RULE, "not a valid process type");
const storePath = z.string().max(400).refine(isStorePath, "not a Nix store path (/nix/store/<hash>-<name>)");
const timestamp = z.iso.datetime({ offset: true });
// A domain as the router keeps it (lowercase, punycode), so an import rewrites nothing.
const domain = z.string().max(253).refine(follows(checkDomainName), "not a valid custom domain");
const member = z.string().refine((m) => memberKind(m) !== null && m !== MANIFEST_MEMBER, "not a member an export holds");

/** A map from a checked key; `__proto__` is refused here, since a record would silently drop it. */
function recordOf<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V, max: number) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return ctx.addIssue({ code: "custom", message: "not an object" });
      if (Object.hasOwn(v, "__proto__")) ctx.addIssue({ code: "custom", message: "__proto__ is not a name an export can carry" });
      if (Object.keys(v).length > max) ctx.addIssue({ code: "custom", message: `more than ${max} entries` });
    })
    .pipe(z.record(key, value));
}

const appJsonSchema = z.strictObject({
  name: text(255),
  description: text().optional(),
  // Keys only: app.json never carries a value, those are in config.sealed.
  env: recordOf(configKey, z.strictObject({ required: z.literal(true) }), MANIFEST_LIMITS.configKeys),
  formation: recordOf(processType, z.strictObject({ quantity: z.number().int().min(0).max(MAX_QUANTITY) }), MAX_PROCESS_TYPES),
  addons: list(z.strictObject({ plan: text(128), as: configKey }), MANIFEST_LIMITS.addons),
});

// Loose sanity bounds only: an import applies the formation's own rules when it scales.
const formationSchema = z.strictObject({
  processType,
  quantity: z.number().int().min(0).max(MAX_QUANTITY),
  memoryMb: z.number().int().min(1).max(1_048_576).nullable(),
  cpuQuota: z.number().gt(0).max(1024).nullable(),
  maxProcs: z.number().int().min(1).max(1_000_000).nullable(),
  healthCheck: boundedJson().nullable(),
});

const releaseSchema = z.strictObject({
  version: z.number().int().min(1).max(1_000_000_000),
  description: text(),
  createdAt: timestamp,
  storePath: storePath.nullable(),
});

const addonSchema = z.strictObject({
  type: z.enum(ADDON_TYPE_NAMES),
  plan: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "not a plan name"),
  as: list(configKey, 50),
  dump: member.refine(isDumpMember, "not an add-on dump (addons/<name>.dump)").nullable(),
});

const manifestSchema = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: timestamp,
    platform: z.strictObject({ version: text(64).optional() }),
    app: z.strictObject({ name: appName, description: text().nullable() }),
    appJson: appJsonSchema,
    formation: list(formationSchema, MAX_PROCESS_TYPES),
    domains: list(domain, MANIFEST_LIMITS.domains),
    autoscale: boundedJson().nullable(),
    releases: list(releaseSchema, MANIFEST_LIMITS.releases),
    current: z
      .strictObject({
        storePath,
        processes: recordOf(processType, z.string().min(1).max(MAX_COMMAND_LENGTH), MAX_PROCESS_TYPES),
        plan: boundedJson(),
      })
      .nullable(),
    addons: list(addonSchema, MANIFEST_LIMITS.addons),
    members: recordOf(
      member,
      z.strictObject({ bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
      MANIFEST_LIMITS.members,
    ),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const unique = (values: unknown[], path: string, what: string) => {
      if (new Set(values).size !== values.length) issue([path], `lists the same ${what} twice`);
    };
    unique(
      m.formation.map((f) => f.processType),
      "formation",
      "process type",
    );
    unique(m.domains, "domains", "domain");
    unique(
      m.releases.map((r) => r.version),
      "releases",
      "release version",
    );
    if (!m.members[CONFIG_MEMBER]) issue(["members"], `has no ${CONFIG_MEMBER}`);
    if (m.members[ARTIFACT_MEMBER] && !m.current) issue(["members"], `has ${ARTIFACT_MEMBER} but no current release to run it`);
    const dumps = m.addons.flatMap((a, i) => (a.dump ? [[a.dump, i] as const] : []));
    unique(
      dumps.map(([d]) => d),
      "addons",
      "dump",
    );
    for (const [dump, i] of dumps) if (!m.members[dump]) issue(["addons", i, "dump"], `${dump} is not among the members`);
    for (const name of Object.keys(m.members)) {
      if (isDumpMember(name) && !dumps.some(([d]) => d === name)) issue(["members", name], "belongs to no add-on");
    }
  });

export type ExportManifest = z.infer<typeof manifestSchema>;
/** What an exporter fills in; the archive writer adds `members` as it writes them. */
export type ExportManifestDraft = Omit<ExportManifest, "members">;

/** The manifest of an uploaded archive, checked; throws `InvalidManifestError` naming the first problem. */
export function parseExportManifest(json: unknown): ExportManifest {
  const head = (typeof json === "object" && json !== null ? json : {}) as { format?: unknown; version?: unknown };
  if (head.format !== EXPORT_FORMAT) throw new InvalidManifestError("This is not a SkyPanel export: its manifest.json does not say so.");
  if (head.version !== EXPORT_VERSION) {
    throw new InvalidManifestError(
      `This export is in format version ${JSON.stringify(head.version)}; this platform reads version ${EXPORT_VERSION}. Export it again from a matching SkyPanel.`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  // A record's bad key reports "Invalid key in record"; the key's own issue says why.
  const inner = first && "issues" in first && Array.isArray(first.issues) ? (first.issues[0] as z.core.$ZodIssue | undefined) : undefined;
  const where = first?.path.length ? first.path.map(String).join(".") : "manifest";
  throw new InvalidManifestError(`The export's manifest.json is not valid: ${where}: ${(inner ?? first)?.message ?? "invalid"}.`, {
    path: first?.path.map(String) ?? [],
  });
}
