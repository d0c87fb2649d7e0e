import { integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./_columns.ts";
import { builds } from "./builds.ts";

/** Severities as the platform shows them, worst first; every source's rating is mapped onto these. */
export const VULNERABILITY_SEVERITIES = ["critical", "high", "moderate", "low"] as const;
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

/** The package ecosystems a build's dependencies are scanned in; `other` is a stack none covers. */
export const SCAN_ECOSYSTEMS = ["npm", "PyPI", "Go", "other"] as const;
export type ScanEcosystem = (typeof SCAN_ECOSYSTEMS)[number];
export type FindingEcosystem = Exclude<ScanEcosystem, "other">;

export const SCAN_STATUSES = ["clean", "findings", "not_checked"] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** One ecosystem's scan of one build: what it looked at, and why it could not look when it could not. */
export const buildVulnerabilityScans = pgTable(
  "build_vulnerability_scans",
  {
    buildId: uuid("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    ecosystem: text("ecosystem", { enum: SCAN_ECOSYSTEMS }).notNull(),
    status: text("status", { enum: SCAN_STATUSES }).notNull(),
    reason: text("reason"),
    lockfile: text("lockfile"),
    packages: integer("packages").notNull().default(0),
    scannedAt: at("scanned_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.ecosystem] })],
);

/** A known advisory that affects a package version the build locked. */
export const buildVulnerabilities = pgTable("build_vulnerabilities", {
  id: id(),
  buildId: uuid("build_id")
    .notNull()
    .references(() => builds.id, { onDelete: "cascade" }),
  ecosystem: text("ecosystem", { enum: ["npm", "PyPI", "Go"] }).notNull(),
  package: text("package").notNull(),
  version: text("version").notNull(),
  advisoryId: text("advisory_id").notNull(),
  url: text("url"),
  title: text("title").notNull().default(""),
  severity: text("severity", { enum: VULNERABILITY_SEVERITIES }),
  fixedIn: text("fixed_in"),
  createdAt: createdAt(),
});

export type BuildVulnerabilityScan = typeof buildVulnerabilityScans.$inferSelect;
export type BuildVulnerability = typeof buildVulnerabilities.$inferSelect;
