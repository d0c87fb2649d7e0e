// Custom domains: hostnames of the user's own that Caddy also routes to an app. Their DNS is
// checked on add, on request and every few minutes (dnsStatus "ok" / "pending" / "wrong"); once
// it is ok and the router has an ACME CA, Caddy gets the certificate, read back into tlsStatus.
import type { Domain } from "@skypanel/db";
import {
  deleteDomain,
  findDomain,
  findDomainOwner,
  insertDomain,
  listAllDomains,
  listDomains,
  updateDomainStatus,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { EngineDeps } from "../deps.ts";
import { DomainNotFoundError, DomainTakenError, InvalidDomainError, ValidationError } from "../errors.ts";
import { createDnsChecker, type DnsCheckOptions } from "./dns-check.ts";
import { checkDomainName, underBaseDomain } from "./hostname.ts";

export { createDnsChecker, type DnsChecker, type DnsCheckOptions, type DnsCheckResult, type DnsStatus } from "./dns-check.ts";
export { checkDomainName, DOMAIN_RULE, underBaseDomain } from "./hostname.ts";

export interface DomainOptions extends DnsCheckOptions {
  /** How often every domain's DNS is checked again once started (default 5 minutes). */
  checkIntervalMs?: number;
}

/** Where certificates are read back from: the router, when it serves HTTPS; else null. */
export type CertificateSource = () => {
  certificate(hostname: string): { expiresAt: Date } | null;
  /** Why the last attempt to get one failed, if it did (Caddy's log). */
  obtainFailure?(hostname: string): { at: Date; error: string } | null;
} | null;

/** tlsStatus: "none" (no HTTPS, or DNS not ready), "pending" (asked for), "issued", "error" (expired). */
function tlsState(source: ReturnType<CertificateSource>, hostname: string, dnsOk: boolean, now: Date) {
  const cert = source?.certificate(hostname) ?? null;
  if (!source || (!cert && !dnsOk)) return { tlsStatus: "none", certExpiresAt: null, error: null };
  if (!cert) {
    // Caddy keeps retrying with backoff; until one succeeds the last failure is the state.
    const failed = source.obtainFailure?.(hostname) ?? null;
    if (failed)
      return {
        tlsStatus: "error",
        certExpiresAt: null,
        error: `The ACME CA refused a certificate for ${hostname} (${failed.at.toISOString()}): ${failed.error}. Caddy tries again on its own; check the domain's DNS and that the CA can reach this server's HTTP port.`,
      };
    return { tlsStatus: "pending", certExpiresAt: null, error: null };
  }
  if (cert.expiresAt <= now)
    return {
      tlsStatus: "error",
      certExpiresAt: cert.expiresAt,
      error: `The certificate of ${hostname} expired on ${cert.expiresAt.toISOString()}.`,
    };
  return { tlsStatus: "issued", certExpiresAt: cert.expiresAt, error: null };
}

/** Where an app answers on the platform, and so what a custom domain's CNAME points at. */
export function platformHostname(appName: string, baseDomain: string) {
  return `${appName}.${baseDomain}`;
}

export function createDomains(
  deps: EngineDeps,
  apps: Apps,
  onChange: (appId: string) => void,
  options: DomainOptions = {},
  certificates: CertificateSource = () => null,
) {
  const { db, baseDomain } = deps;
  const dns = createDnsChecker(options);
  let timer: NodeJS.Timeout | null = null;
  // Checks in flight; stopChecks waits for them, so none writes after the engine stopped.
  const inFlight = new Set<Promise<unknown>>();

  async function checkOne(domain: Domain): Promise<Domain> {
    const target = domain.dnsTarget ?? "";
    const result = await dns.check(domain.hostname, target);
    const dnsStatus = result.status ?? domain.dnsStatus;
    const tls = tlsState(certificates(), domain.hostname, dnsStatus === "ok", deps.now());
    const updated = await updateDomainStatus(db, domain.id, {
      dnsStatus,
      tlsStatus: tls.tlsStatus,
      certExpiresAt: tls.certExpiresAt,
      error: result.error ?? tls.error,
    });
    if (updated && updated.dnsStatus !== domain.dnsStatus) onChange(domain.appId);
    return updated ?? domain;
  }

  function inBackground(work: () => Promise<unknown>) {
    const running = work()
      .catch((err) => console.error("[domains] check failed:", (err as Error).message))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  }

  let sweeping = false;
  async function checkAll() {
    // A slow DNS server must not pile sweeps on top of each other.
    if (sweeping) return;
    sweeping = true;
    try {
      for (const domain of await listAllDomains(db)) if (timer) await checkOne(domain);
    } finally {
      sweeping = false;
    }
  }

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
      if (timer) inBackground(() => checkOne(domain));
      return domain;
    },

    /** Checks the domain's DNS now and returns it with what was found. */
    async check(actor: Actor, idOrName: string, input: string): Promise<Domain> {
      const { app } = await apps.resolve(actor, idOrName, "write", "checking domains");
      const hostname = nameOrNotFound(input);
      const domain = await findDomain(db, app.id, hostname);
      if (!domain) throw new DomainNotFoundError(hostname);
      return checkOne(domain);
    },

    /** Every domain's DNS, now and then every `checkIntervalMs`; new domains are checked as they are added. */
    startChecks() {
      if (timer) return;
      timer = setInterval(() => inBackground(checkAll), options.checkIntervalMs ?? 5 * 60_000);
      timer.unref();
      inBackground(checkAll);
    },

    async stopChecks() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...inFlight]);
    },
    /**
     * Turns Strict-Transport-Security on or off for the domain's HTTPS answers. Browsers that saw
     * it refuse plain HTTP to the domain for a year, so it is the user's choice, off by default.
     */
    async setHsts(actor: Actor, idOrName: string, input: string, hsts: boolean): Promise<Domain> {
      if (typeof hsts !== "boolean") throw new ValidationError("hsts is true or false.");
      const { app } = await apps.resolve(actor, idOrName, "write", "changing domains");
      const hostname = nameOrNotFound(input);
      const domain = await findDomain(db, app.id, hostname);
      if (!domain) throw new DomainNotFoundError(hostname);
      const updated = await withActor(db, actor, (tx) => updateDomainStatus(tx, domain.id, { hsts }));
      if (!updated) throw new DomainNotFoundError(hostname);
      onChange(app.id);
      return updated;
    },

    async remove(actor: Actor, idOrName: string, input: string) {
      const { app } = await apps.resolve(actor, idOrName, "write", "removing domains");
      const hostname = nameOrNotFound(input);
      const removed = await withActor(db, actor, (tx) => deleteDomain(tx, app.id, hostname));
      if (!removed) throw new DomainNotFoundError(hostname);
      onChange(app.id);
      return { hostname };
    },
  };
}

/** A domain as it was shown or typed (unicode or punycode, any case); not a name at all: not found. */
function nameOrNotFound(input: string): string {
  try {
    return checkDomainName(input);
  } catch {
    throw new DomainNotFoundError(input.slice(0, 100));
  }
}

export type Domains = ReturnType<typeof createDomains>;
