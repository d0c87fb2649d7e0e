// Custom domains: hostnames of the user's own that Caddy also routes to an app. DNS checks and
// certificates come later; until then dnsStatus stays "unchecked" and tlsStatus "none".
import type { Domain } from "@skypanel/db";
import { deleteDomain, findDomainOwner, insertDomain, listDomains, withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { DomainNotFoundError, DomainTakenError, InvalidDomainError } from "../errors.ts";
import { checkDomainName, underBaseDomain } from "./hostname.ts";

export { checkDomainName, DOMAIN_RULE, underBaseDomain } from "./hostname.ts";

/** Where an app answers on the platform, and so what a custom domain's CNAME points at. */
export function platformHostname(appName: string, baseDomain: string) {
  return `${appName}.${baseDomain}`;
}

export function createDomains(deps: EngineDeps, apps: Apps, onChange: (appId: string) => void) {
  const { db, baseDomain } = deps;

  return {
    async list(actor: Actor, idOrName: string): Promise<Domain[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing domains");
      return listDomains(db, app.id);
    },

    async add(actor: Actor, idOrName: string, input: string): Promise<Domain> {
      const { app } = await apps.resolve(actor, idOrName, "write", "adding domains");
      const hostname = checkDomainName(input);
      if (underBaseDomain(hostname, baseDomain)) {
        throw new InvalidDomainError(
          `${hostname} is the platform's own domain (${baseDomain}) or under it; apps get ${platformHostname(app.name, baseDomain)} already. Add a domain you own.`,
        );
      }
      const domain = await withActor(db, actor, async (tx) => {
        const owner = await findDomainOwner(tx, hostname);
        if (owner) throw new DomainTakenError(hostname, owner === app.id);
        return insertDomain(tx, { appId: app.id, hostname, dnsTarget: platformHostname(app.name, baseDomain) });
      }).catch((err: unknown) => {
        // Two racing adds can both pass the check; the unique index decides.
        const text = String((err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? "");
        if (text.includes("domains_hostname_key")) throw new DomainTakenError(hostname, false);
        throw err;
      });
      onChange(app.id);
      return domain;
    },

    async remove(actor: Actor, idOrName: string, input: string) {
      const { app } = await apps.resolve(actor, idOrName, "write", "removing domains");
      // Removing takes the name as it was shown or typed: unicode or punycode, any case.
      let hostname: string;
      try {
        hostname = checkDomainName(input);
      } catch {
        throw new DomainNotFoundError(input.slice(0, 100));
      }
      const removed = await withActor(db, actor, (tx) => deleteDomain(tx, app.id, hostname));
      if (!removed) throw new DomainNotFoundError(hostname);
      onChange(app.id);
      return { hostname };
    },
  };
}

export type Domains = ReturnType<typeof createDomains>;
