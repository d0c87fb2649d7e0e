// REST for an app's custom domains: list, add (`{"domain": "www.example.com"}`), check DNS and
// certificate, turn HSTS on or off (`PATCH {"hsts": true}`), remove.
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { domainHstsInput, domainInput, domainSchema, removedDomainSchema } from "../schemas/domains.ts";
import { type Operation, operation } from "./operation.ts";

const path = "/api/apps/{app}/domains";

/** Both check the DNS and, once it leads here (with HTTPS configured), ask for the certificate. */
const checkDomain = (id: string, suffix: string): Operation =>
  operation({
    id,
    method: "post",
    path: `${path}/{domain}/${suffix}`,
    tag: "domains",
    summary: suffix === "ssl" ? "Check the domain and ask for its certificate" : "Check the domain's DNS",
    description: "Checks the DNS now and, once it leads here (with HTTPS configured), asks for the certificate.",
    params: domainInput,
    status: 200,
    response: domainSchema,
    answers: "The domain: `dnsStatus` and, unless ok, `error` say what to fix.",
    handle: ({ caller, params }) => caller.domains.check(params),
  });

export const domainOperations = [
  operation({
    id: "listDomains",
    method: "get",
    path,
    tag: "domains",
    summary: "List the app's custom domains",
    params: appInput,
    status: 200,
    response: z.strictObject({ domains: z.array(domainSchema) }),
    answers: "The domains.",
    handle: async ({ caller, params }) => ({ domains: await caller.domains.list(params) }),
  }),
  operation({
    id: "addDomain",
    method: "post",
    path,
    tag: "domains",
    summary: "Add a custom domain",
    params: appInput,
    body: domainInput.omit({ app: true }),
    status: 201,
    response: domainSchema,
    answers: "The domain, with the DNS record to make (`dnsTarget`).",
    errors: [409],
    handle: ({ caller, params, body }) => caller.domains.add({ ...params, ...body }),
  }),
  checkDomain("checkDomain", "check"),
  checkDomain("checkDomainCertificate", "ssl"),
  operation({
    id: "setDomainHsts",
    method: "patch",
    path: `${path}/{domain}`,
    tag: "domains",
    summary: "Turn HSTS on or off",
    description: "Strict-Transport-Security (max-age one year) on the domain's HTTPS answers; off by default.",
    params: domainInput,
    body: domainHstsInput.pick({ hsts: true }),
    status: 200,
    response: domainSchema,
    answers: "The domain as changed.",
    handle: ({ caller, params, body }) => caller.domains.setHsts({ ...params, ...body }),
  }),
  operation({
    id: "removeDomain",
    method: "delete",
    path: `${path}/{domain}`,
    tag: "domains",
    summary: "Remove a custom domain",
    params: domainInput,
    status: 200,
    response: removedDomainSchema,
    answers: "Removed.",
    handle: ({ caller, params }) => caller.domains.remove(params),
  }),
];
