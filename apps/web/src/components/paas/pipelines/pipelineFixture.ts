// One pipeline the component tests share: web-dev (development), web-staging (staging, v3 of build
// commit abcdef1…) and web-prod (production, v1 promoted from web-staging v2), plus a review app.
import { createStubBackend, stubApp, stubPipeline, stubRelease, stubReviewApp } from "../../../test/stubBackend.ts";

export const STORE = `/nix/store/${"b".repeat(32)}-web-1.0.0`;

export function pipelineBackend() {
  const stagingV2 = stubRelease("web-staging", 2, { id: "release-staging-v2" });
  const stagingV3 = stubRelease("web-staging", 3, { id: "release-staging-v3", storePath: STORE, buildId: "build-7" });
  const prodV1 = stubRelease("web-prod", 1, {
    id: "release-prod-v1",
    kind: "promotion",
    promotedFromReleaseId: stagingV2.id,
    storePath: stagingV2.storePath,
  });
  return createStubBackend({
    apps: [
      stubApp("web-dev", { status: "idle" }),
      stubApp("web-staging", { status: "running", currentReleaseId: stagingV3.id }),
      stubApp("web-prod", { status: "running", currentReleaseId: prodV1.id }),
      stubApp("other-app"),
    ],
    vars: {
      "web-staging": { DATABASE_URL: "postgres://staging-secret", DEBUG: "1", GREETING: "hi staging" },
      "web-prod": { DATABASE_URL: "postgres://prod-secret", GREETING: "hi prod", SENTRY_DSN: "https://prod-dsn" },
    },
    runtime: { releases: [stagingV2, stagingV3, prodV1] },
    pipelines: {
      pipelines: [
        stubPipeline("shop", {
          stages: { development: ["web-dev"], staging: ["web-staging"], production: ["web-prod"] },
          reviewApps: [stubReviewApp("login-form", { prNumber: 42, expiresAt: new Date(Date.now() + 3 * 86_400_000) })],
          review: {
            enabled: true,
            parentApp: { id: "id-web-staging", name: "web-staging" },
            addons: true,
            maxApps: 5,
            whenFull: "refuse_newest",
            ttlSeconds: null,
            repository: null,
            webhook: false,
          },
        }),
      ],
      commits: { [stagingV3.id]: "abcdef1234567890abcdef1234567890abcdef12" },
    },
  });
}
