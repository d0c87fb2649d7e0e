import { afterEach, describe, expect, it } from "vitest";
import type { SqlRunner } from "./client.ts";
import { loadMigrations, MigrationError, migrateDown, migrateUp, migrationStatus } from "./migrate.ts";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "./testing.ts";

/** Everything a migration can change, in a comparable form. */
async function schemaSnapshot(sql: SqlRunner) {
  const [columns, constraints, indexes, triggers, functions] = await Promise.all([
    sql.query(`SELECT table_name, column_name, data_type, is_nullable, column_default
               FROM information_schema.columns
               WHERE table_schema = 'public' AND table_name <> 'skypanel_migrations'
               ORDER BY table_name, column_name`),
    sql.query(`SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def
               FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                 AND conrelid::regclass::text <> 'skypanel_migrations' ORDER BY conname, tbl, def`),
    sql.query(`SELECT indexname, indexdef FROM pg_indexes
               WHERE schemaname = 'public' AND tablename <> 'skypanel_migrations' ORDER BY indexname`),
    sql.query("SELECT tgname, tgrelid::regclass::text AS tbl FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname, tbl"),
    sql.query("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname"),
  ]);
  return { columns, constraints, indexes, triggers, functions };
}

describe.each(TEST_DRIVERS)("migrations on %s", (driver) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.drop();
  });

  it("applies every migration in order, once", async () => {
    t = await createTestDatabase(driver, { migrate: false });
    expect(await migrateUp(t.sql)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
    ]);
    expect(await migrateUp(t.sql)).toEqual([]);
    const status = await migrationStatus(t.sql);
    expect(status.map((s) => [s.name, s.applied])).toEqual([
      ["0001_base_tables", true],
      ["0002_indexes_and_constraints", true],
      ["0003_encryption_support", true],
      ["0004_audit_triggers", true],
      ["0005_build_pipeline", true],
      ["0006_runtime", true],
      ["0007_queued_deployments", true],
      ["0008_audit_rows", true],
      ["0009_request_interval", true],
      ["0010_release_audit_without_config", true],
      ["0011_addon_sharing_backups_hsts", true],
      ["0012_app_root_directory", true],
      ["0013_one_off_processes", true],
      ["0014_imports", true],
      ["0015_request_classes", true],
      ["0016_log_search", true],
      ["0017_log_drains", true],
      ["0018_autoscaler", true],
      ["0019_alerts", true],
      ["0020_trace_spans", true],
      ["0021_mfa_and_token_scopes", true],
      ["0022_rate_limits", true],
      ["0023_audit_chain", true],
      ["0024_build_vulnerabilities", true],
      ["0025_app_traffic_policies", true],
      ["0026_app_egress", true],
      ["0027_platform_backups", true],
      ["0028_addon_backup_encryption", true],
      ["0029_addon_health", true],
      ["0030_control_plane_leases", true],
      ["0031_pipelines", true],
      ["0032_scheduled_jobs", true],
      ["0033_app_maintenance", true],
    ]);
    const tables = await t.sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      [
        "addon_attachments",
        "addon_backups",
        "addons",
        "alert_channels",
        "alert_events",
        "alert_rule_channels",
        "alert_rules",
        "api_tokens",
        "app_log_retention",
        "autoscale_events",
        "log_drains",
        "trace_spans",
        "user_mfa",
        "mfa_recovery_codes",
        "mfa_challenges",
        "rate_limits",
        "audit_log_anchors",
        "build_vulnerability_scans",
        "build_vulnerabilities",
        "app_traffic_policies",
        "app_egress",
        "platform_backups",
        "addon_health",
        "control_plane_leases",
        "pipelines",
        "pipeline_apps",
        "review_apps",
        "scheduled_jobs",
        "scheduled_job_runs",
        "app_maintenance",
        "app_logs",
        "app_logs_default",
        "applications",
        "audit_log",
        "build_cache",
        "builds",
        "deployments",
        "deployments_history",
        "domains",
        "encryption_keys",
        "env_vars",
        "formations",
        "imports",
        "instances",
        "jobs",
        "memberships",
        "metrics_snapshots",
        "one_off_processes",
        "releases",
        "scaling_policies",
        "sessions",
        "skypanel_migrations",
        "teams",
        "users",
      ].sort(),
    );
  });

  it("each down migration restores exactly the schema before its up migration", async () => {
    t = await createTestDatabase(driver, { migrate: false });
    const all = loadMigrations();
    const before: Awaited<ReturnType<typeof schemaSnapshot>>[] = [await schemaSnapshot(t.sql)];
    for (let n = 1; n <= all.length; n++) {
      await migrateUp(t.sql, all.slice(0, n));
      before.push(await schemaSnapshot(t.sql));
    }
    const full = before[all.length];
    expect(full?.columns.length).toBeGreaterThan(150);
    expect(full?.triggers.length).toBe(28);
    expect(full?.constraints.length).toBeGreaterThan(50);
    for (let n = all.length - 1; n >= 0; n--) {
      expect(await migrateDown(t.sql, n, all)).toEqual([n + 1]);
      expect(await schemaSnapshot(t.sql)).toEqual(before[n]);
    }
    // And back up again from nothing, as on a fresh machine.
    expect(await migrateUp(t.sql, all)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
    ]);
    expect(await schemaSnapshot(t.sql)).toEqual(before[all.length]);
  });

  it("refuses to run when an applied migration's file has changed", async () => {
    t = await createTestDatabase(driver);
    const edited = loadMigrations().map((m) => (m.version === 2 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrateUp(t.sql, edited)).rejects.toThrow(/0002_indexes_and_constraints was changed/);
  });

  it("a failing migration leaves nothing half-applied", async () => {
    t = await createTestDatabase(driver);
    const all = loadMigrations();
    const broken = [
      ...all,
      {
        version: all.length + 1,
        name: "9999_broken",
        up: "CREATE TABLE half_done (id int); SELECT no_such_fn();",
        down: "",
        checksum: "x",
      },
    ];
    await expect(migrateUp(t.sql, broken)).rejects.toBeInstanceOf(MigrationError);
    const rows = await t.sql.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(rows).toHaveLength(0);
    expect((await migrationStatus(t.sql, broken)).at(-1)?.applied).toBe(false);
  });
});
