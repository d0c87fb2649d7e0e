// The build plan as the API shows it: what detection decided about an app's source, and why
// (its type is BuildPlan in packages/db/src/schema/build-plan.ts).
import { FRAMEWORKS, STACKS } from "@skypanel/db";
import { z } from "zod";

const dockerInstruction = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("FROM"), image: z.string(), stage: z.string().nullable() }),
  z.strictObject({ op: z.literal("ARG"), name: z.string(), default: z.string().nullable() }),
  z.strictObject({ op: z.literal("ENV"), vars: z.record(z.string(), z.string()) }),
  z.strictObject({ op: z.literal("WORKDIR"), path: z.string() }),
  z.strictObject({ op: z.enum(["COPY", "ADD"]), sources: z.array(z.string()), dest: z.string(), from: z.string().nullable() }),
  z.strictObject({ op: z.literal("RUN"), command: z.string() }),
  z.strictObject({ op: z.literal("EXPOSE"), port: z.number().int() }),
  z.strictObject({ op: z.enum(["CMD", "ENTRYPOINT"]), command: z.union([z.array(z.string()), z.string()]) }),
]);

export const buildPlanSchema = z
  .strictObject({
    stack: z.enum(STACKS),
    framework: z.enum(FRAMEWORKS).nullable(),
    versions: z.record(z.string(), z.string()).meta({ description: 'Requested toolchain versions, e.g. { "node": "20" }.' }),
    packageManager: z.string(),
    lockfiles: z.array(z.string()),
    install: z.string().nullable(),
    build: z.string().nullable(),
    test: z.string().nullable(),
    processes: z.record(z.string(), z.string()),
    release: z.string().nullable(),
    port: z.number().int(),
    reasons: z.array(z.strictObject({ topic: z.string(), reason: z.string() })),
    warnings: z.array(z.string()),
    dockerfile: z.strictObject({ path: z.string(), instructions: z.array(dockerInstruction) }).optional(),
    workspace: z
      .strictObject({ tool: z.enum(["npm", "pnpm"]), root: z.string(), member: z.string(), members: z.array(z.string()) })
      .optional(),
  })
  .meta({ id: "BuildPlan" });
