// The Settings tab's domains and autoscale procedures in the stub tRPC server, typed by the
// BFF's outputs and answering with the engine's rules and messages (a subset of its checks).
import { TRPCError } from "@trpc/server";
import type { RouterInputs, RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubDomain = RouterOutputs["domains"]["list"][number];
type Policy = RouterOutputs["autoscale"]["get"]["policies"][number];
type PolicyInput = RouterInputs["autoscale"]["set"]["policy"];

export interface StubSettings {
  domains: StubDomain[];
  /** Saved policies by app id. */
  policies: Record<string, Policy[]>;
}

const AT = new Date("2025-01-02T03:04:05Z");
const COOLDOWN = { min: 30, max: 3600, default: 300 };

export function stubDomain(appName: string, hostname: string, n = 1): StubDomain {
  return {
    id: `dom-${n}`,
    appId: `id-${appName}`,
    hostname,
    dnsTarget: `${appName}.localhost`,
    dnsStatus: "unchecked",
    tlsStatus: "none",
    certExpiresAt: null,
    error: null,
    hsts: false,
    createdAt: AT,
  };
}

interface AppAccess {
  find: (idOrName: string) => { id: string; name: string };
  writable: () => void;
  processTypes: (appId: string) => string[];
}

const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

function checkPolicy(type: string, p: PolicyInput) {
  if (p.minInstances < 0) throw bad(`${type}: the minimum is a whole number of instances from 0.`);
  if (p.maxInstances < p.minInstances) throw bad(`${type}: the maximum must be a whole number at least the minimum.`);
  if (p.maxInstances > 100) throw bad(`${type}: the maximum is at most 100 instances, the most a formation runs.`);
  for (const [value, what] of [
    [p.targetCpuPercent, "the CPU target"],
    [p.targetMemoryPercent, "the memory target"],
  ] as const) {
    if (value != null && (value < 1 || value > 100)) throw bad(`${type}: ${what} is 1 to 100 %.`);
  }
  const cooldown = p.cooldownSeconds ?? COOLDOWN.default;
  if (cooldown < COOLDOWN.min || cooldown > COOLDOWN.max) throw bad(`${type}: the cooldown is a whole number of seconds from 30 to 3600.`);
  if (p.enabled && p.targetCpuPercent == null && p.targetMemoryPercent == null && p.targetRequestsPerSecond == null) {
    throw bad(`${type}: an enabled policy needs at least one target: CPU %, memory % or requests per second.`);
  }
  return cooldown;
}

export function settingsRouters(proc: StubProcedure, s: StubSettings, apps: AppAccess) {
  const policiesOf = (appId: string) => {
    const saved = s.policies[appId] ?? [];
    return apps.processTypes(appId).map(
      (processType): Policy =>
        saved.find((p) => p.processType === processType) ?? {
          processType,
          enabled: false,
          minInstances: 1,
          maxInstances: 1,
          targetCpuPercent: null,
          targetMemoryPercent: null,
          targetRequestsPerSecond: null,
          cooldownSeconds: COOLDOWN.default,
          saved: false,
          updatedAt: null,
        },
    );
  };
  const domainOf = (input: { app: string; domain: string }) => {
    const app = apps.find(input.app);
    const domain = s.domains.find((d) => d.appId === app.id && d.hostname === input.domain.toLowerCase());
    if (!domain) throw new TRPCError({ code: "NOT_FOUND", message: `This app has no domain "${input.domain}".` });
    return domain;
  };
  const settingsOf = (appId: string) => ({ policies: policiesOf(appId), maxInstances: 100, cooldownSeconds: COOLDOWN });

  return {
    domains: t.router({
      list: proc("domains.list").query(({ input }) => s.domains.filter((d) => d.appId === apps.find(input.app).id)),
      add: proc("domains.add").mutation(({ input }) => {
        apps.writable();
        const app = apps.find(input.app);
        const hostname = input.domain.trim().toLowerCase();
        if (hostname.includes("*")) throw bad(`"${hostname}" is not a domain this app can use: wildcard domains are not supported.`);
        if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*$/.test(hostname)) {
          throw bad(`"${hostname}" is not a domain this app can use: it needs at least two labels.`);
        }
        const owner = s.domains.find((d) => d.hostname === hostname);
        if (owner) {
          const message =
            owner.appId === app.id
              ? `${hostname} is already a domain of this app.`
              : `${hostname} is already used by another app; a domain can belong to one app only.`;
          throw new TRPCError({ code: "CONFLICT", message });
        }
        const domain = { ...stubDomain(app.name, hostname, s.domains.length + 1), createdAt: new Date() };
        s.domains.push(domain);
        return domain;
      }),
      // The stub's DNS always points here by the time a user checks, and the certificate is issued.
      check: proc("domains.check").mutation(({ input }) => {
        apps.writable();
        const domain = domainOf(input);
        Object.assign(domain, { dnsStatus: "ok", error: null, tlsStatus: "issued", certExpiresAt: new Date("2026-03-01T00:00:00Z") });
        return domain;
      }),
      // As the engine, HSTS can be set whatever the state of the certificate.
      setHsts: proc("domains.setHsts").mutation(({ input }) => {
        apps.writable();
        const domain = domainOf(input);
        domain.hsts = input.hsts;
        return domain;
      }),
      remove: proc("domains.remove").mutation(({ input }) => {
        apps.writable();
        const domain = domainOf(input);
        s.domains = s.domains.filter((d) => d !== domain);
        return { hostname: domain.hostname };
      }),
    }),
    autoscale: t.router({
      get: proc("autoscale.get").query(({ input }) => settingsOf(apps.find(input.app).id)),
      set: proc("autoscale.set").mutation(({ input }) => {
        apps.writable();
        const app = apps.find(input.app);
        if (!apps.processTypes(app.id).includes(input.processType)) {
          throw bad(`${app.name} has no process type "${input.processType}".`);
        }
        const cooldownSeconds = checkPolicy(input.processType, input.policy);
        const policy: Policy = {
          processType: input.processType,
          enabled: input.policy.enabled,
          minInstances: input.policy.minInstances,
          maxInstances: input.policy.maxInstances,
          targetCpuPercent: input.policy.targetCpuPercent ?? null,
          targetMemoryPercent: input.policy.targetMemoryPercent ?? null,
          targetRequestsPerSecond: input.policy.targetRequestsPerSecond ?? null,
          cooldownSeconds,
          saved: true,
          updatedAt: new Date(),
        };
        s.policies[app.id] = [...(s.policies[app.id] ?? []).filter((p) => p.processType !== input.processType), policy];
        return settingsOf(app.id);
      }),
    }),
  };
}
