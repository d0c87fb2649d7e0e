import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest (a clean-clone CI run, 2026-12-06), slowest first. Vitest orders
 * files by their last duration when it has a results cache, and by file size when it has none, as
 * on CI's clean clone: there a 200-second file could start late and run on alone at the end.
 * Starting these first lets the many short files fill the other workers around them.
 */
const SLOW_FIRST = [
  "packages/engine/src/builds/java-deps.test.ts",
  "packages/engine/src/builds/rust-deps.test.ts",
  "apps/bff/src/rest/openapi.contract.test.ts",
  "apps/bff/src/first-run.test.ts",
  "packages/engine/src/deploy/zero-downtime.test.ts",
  "packages/engine/src/builds/go-deps.test.ts",
  "packages/cli/src/cli.e2e.test.ts",
  "packages/engine/src/deploy/deploy.test.ts",
  "apps/bff/src/export-import.test.ts",
  "apps/bff/src/chaos/runtime.chaos.test.ts",
  "apps/bff/src/rest/deployments.test.ts",
  "packages/engine/src/builds/remote-cache.test.ts",
  "apps/bff/src/rest/autoscale-load.test.ts",
  "packages/engine/src/pipelines/review/review-apps.runtime.test.ts",
  "packages/engine/src/pipelines/promote.test.ts",
];

function rank(spec: TestSpecification): number {
  const i = SLOW_FIRST.findIndex((path) => spec.moduleId.endsWith(path));
  return i === -1 ? SLOW_FIRST.length : i;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep Vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
