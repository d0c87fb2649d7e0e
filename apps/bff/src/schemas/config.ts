// Config vars: the procedures' inputs. Values are strings; secret ones are kept back unless revealed.
import { z } from "zod";
import { appRef } from "./common.ts";

export const configValues = z.record(z.string(), z.string());

export const configGetInput = z.object({ app: appRef, revealSecrets: z.boolean().optional() });
export const configSetInput = z.object({ app: appRef, vars: configValues, secret: z.boolean().optional() });
export const configUnsetInput = z.object({ app: appRef, keys: z.array(z.string()).max(500) });
export const configReplaceInput = z.object({ app: appRef, vars: configValues.optional(), secrets: configValues.optional() });
