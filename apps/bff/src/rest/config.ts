// REST for config vars: `{ vars: { KEY: value }, secrets: [KEY…] }`. Secret values (and every
// value, for viewers) are null unless revealed; a change answers the release and rollout it made.
import type { AppConfig } from "@skypanel/engine";
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { configReplaceInput, configSetInput, configUnsetInput, configValues } from "../schemas/config.ts";
import { operation } from "./operation.ts";

const configSchema = z
  .strictObject({
    vars: z.record(z.string(), z.string().nullable()).meta({ description: "Every var; null where the value is kept back." }),
    secrets: z.array(z.string()).meta({ description: "The keys of the secret vars." }),
    release: z.strictObject({ id: z.uuid(), version: z.number().int() }).optional().meta({ description: "The release a change made." }),
    deploymentId: z.uuid().optional().meta({ description: "The rollout a change started." }),
  })
  .meta({ id: "Config" });

const configBody = (config: AppConfig & { release?: { id: string; version: number }; deploymentId?: string }) => ({
  vars: Object.fromEntries(config.vars.map((v) => [v.key, v.value])),
  secrets: config.vars.filter((v) => v.isSecret).map((v) => v.key),
  ...(config.release ? { release: config.release } : {}),
  ...(config.deploymentId ? { deploymentId: config.deploymentId } : {}),
});

const appKeyParams = appInput.extend({ key: configUnsetInput.shape.keys.element });
const path = "/api/apps/{app}/config";

export const configOperations = [
  operation({
    id: "getConfig",
    method: "get",
    path,
    tag: "config",
    summary: "Read the app's config vars",
    params: appInput,
    query: z.object({
      reveal: z.enum(["secrets"]).optional().meta({ description: "`secrets`: show secret values too (not to viewers)." }),
    }),
    status: 200,
    response: configSchema,
    answers: "The config.",
    handle: async ({ caller, params, query }) =>
      configBody(await caller.config.get({ ...params, revealSecrets: query.reveal === "secrets" })),
  }),
  operation({
    id: "replaceConfig",
    method: "put",
    path,
    tag: "config",
    summary: "Replace the whole config",
    description: "Vars not named are removed; a key may not be both a var and a secret.",
    params: appInput,
    body: configReplaceInput.omit({ app: true }),
    status: 200,
    response: configSchema,
    answers: "The config as it is now.",
    errors: [409, 412],
    handle: async ({ caller, params, body }) => configBody(await caller.config.replace({ ...params, ...body })),
  }),
  operation({
    id: "setConfigVars",
    method: "post",
    path: `${path}/vars`,
    tag: "config",
    summary: "Set config vars",
    params: appInput,
    body: configSetInput.pick({ vars: true }),
    status: 200,
    response: configSchema,
    answers: "The config as it is now.",
    errors: [409, 412],
    handle: async ({ caller, params, body }) => configBody(await caller.config.set({ ...params, vars: body.vars })),
  }),
  operation({
    id: "setConfigSecrets",
    method: "post",
    path: `${path}/secrets`,
    tag: "config",
    summary: "Set secret config vars",
    description: "Their values are not shown again unless revealed. `vars` is accepted in place of `secrets`.",
    params: appInput,
    body: z
      .object({ secrets: configValues.optional(), vars: configValues.optional() })
      .refine((b) => b.secrets ?? b.vars, { message: "expected an object of KEY: value", path: ["secrets"] }),
    status: 200,
    response: configSchema,
    answers: "The config as it is now.",
    errors: [409, 412],
    handle: async ({ caller, params, body }) =>
      configBody(await caller.config.set({ ...params, vars: body.secrets ?? body.vars ?? {}, secret: true })),
  }),
  operation({
    id: "unsetConfigVar",
    method: "delete",
    path: `${path}/vars/{key}`,
    tag: "config",
    summary: "Remove a config var",
    params: appKeyParams,
    status: 200,
    response: configSchema,
    answers: "The config as it is now.",
    errors: [412],
    handle: async ({ caller, params }) => configBody(await caller.config.unset({ app: params.app, keys: [params.key] })),
  }),
];
