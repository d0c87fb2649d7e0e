// The build plan: what detection decided about an app's source, and why. Its type lives beside
// the column that stores it (packages/db/src/schema/build-plan.ts), as db cannot import the engine.
export {
  type BuildPlan,
  type DockerInstruction,
  FRAMEWORKS,
  type Framework,
  type PackageManager,
  STACKS,
  type Stack,
} from "@skypanel/db/schema";
