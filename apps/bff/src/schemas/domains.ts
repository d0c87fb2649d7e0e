// Custom domains of an app.
import { domains } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

// Generous: the engine checks the name itself and says what is wrong with it.
const domain = z.string().max(1000);

export const domainInput = z.object({ app: appRef, domain });
export const domainHstsInput = z.object({ app: appRef, domain, hsts: z.boolean() });

export const domainSchema = createSelectSchema(domains).strict().meta({ id: "Domain" });
export const removedDomainSchema = z.strictObject({ hostname: z.string() });
