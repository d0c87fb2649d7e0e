// A plausible manifest draft for tests: an app with a web process, a release, a domain and a
// PostgreSQL add-on whose dump is `addons/db.dump`.
import type { ExportManifestDraft } from "./manifest.ts";

export const SAMPLE_STORE_PATH = "/nix/store/0c2mqdzgvxr6iijwkwb1f2d6a7lq2j5n-app-todo";

export function sampleDraft(overrides: Partial<ExportManifestDraft> = {}): ExportManifestDraft {
  return {
    format: "skypanel-export",
    version: 1,
    exportedAt: "2025-03-01T12:00:00.000Z",
    platform: { version: "0.9.0" },
    app: { name: "todo-app", description: "A list of things to do" },
    appJson: {
      name: "todo-app",
      description: "A list of things to do",
      env: { SECRET_KEY: { required: true }, DATABASE_URL: { required: true } },
      formation: { web: { quantity: 2 } },
      addons: [{ plan: "postgresql:hobby", as: "DATABASE_URL" }],
    },
    formation: [{ processType: "web", quantity: 2, memoryMb: 512, cpuQuota: 1, maxProcs: 256, healthCheck: { path: "/health" } }],
    domains: ["todo.example.com"],
    autoscale: null,
    releases: [{ version: 3, description: "Deploy abc1234", createdAt: "2025-02-28T10:00:00.000Z", storePath: SAMPLE_STORE_PATH }],
    current: { storePath: SAMPLE_STORE_PATH, processes: { web: "node server.js" }, plan: { stack: "nodejs" } },
    addons: [{ type: "postgresql", plan: "hobby", as: ["DATABASE_URL"], dump: "addons/db.dump" }],
    ...overrides,
  };
}
