// The Settings tab's domains and autoscale procedures in the stub tRPC server, typed by the
// BFF's outputs and answering with the engine's rules and messages (a subset of its checks).
import { TRPCError } from "@trpc/server";
import type { RouterInputs, RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubDomain = RouterOutputs["domains"]["list"][number];
type Settings = RouterOutputs["autoscale"]["get"];
type Policy = Settings["policies"][number];
type Schedule = Settings["schedules"][number];
type Decision = RouterOutputs["autoscale"]["events"][number];
type PutInput = RouterInputs["autoscale"]["put"];

/** One app's autoscaling as the stub keeps it. */
export interface StubAutoscale {
  policies: Policy[];
  schedules: Schedule[];
  events: Decision[];
}

export interface StubSettings {
  domains: StubDomain[];
  /** Saved policies, schedules and the autoscaler's decisions, by app id. */
  policies: Record<string, StubAutoscale>;
}

const AT = new Date("2025-01-02T03:04:05Z");

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

const LIMITS = {
  maxInstances: 100,
  stabilizationSeconds: { min: 10, max: 3600, default: 300 },
  targets: {
    cpu: { min: 1, max: 100, unit: "% of the CPU limit" },
    memory: { min: 1, max: 100, unit: "% of the memory limit" },
    rps: { min: 0.1, max: 1_000_000, unit: "requests per second per instance" },
    p95: { min: 1, max: 600_000, unit: "ms (p95 response time)" },
    custom: { min: 0.000001, max: 1e12, unit: "(your metric's unit, per instance)" },
  },
};

function checkPolicy(p: PutInput["policies"][number]) {
  const type = p.process;
  if (p.min < 0) throw bad(`${type}: the minimum is a whole number of instances from 0.`);
  if (p.max < p.min) throw bad(`${type}: the maximum must be a whole number at least the minimum.`);
  if (p.max > 100) throw bad(`${type}: the maximum is at most 100 instances, the most a formation runs.`);
  const bounds = LIMITS.targets[p.metric];
  const target = p.target ?? null;
  if (target !== null && (target < bounds.min || target > bounds.max))
    throw bad(`${type}: the ${p.metric} target is ${bounds.min} to ${bounds.max} ${bounds.unit}.`);
  if (p.enabled && target === null) throw bad(`${type}: an enabled policy needs a target for its metric (${p.metric}).`);
  const stabilizationSeconds = p.stabilizationSeconds ?? LIMITS.stabilizationSeconds.default;
  if (stabilizationSeconds < 10 || stabilizationSeconds > 3600) {
    throw bad(`${type}: the scale-down stabilization window is a whole number of seconds from 10 to 3600.`);
  }
  return { ...p, target, stabilizationSeconds };
}

export function settingsRouters(proc: StubProcedure, s: StubSettings, apps: AppAccess) {
  const stateOf = (appId: string): StubAutoscale => s.policies[appId] ?? { policies: [], schedules: [], events: [] };
  const policiesOf = (appId: string) => {
    const saved = stateOf(appId).policies;
    return apps.processTypes(appId).map(
      (process): Policy =>
        saved.find((p) => p.process === process) ?? {
          process,
          enabled: false,
          min: 1,
          max: 1,
          metric: process === "web" ? "rps" : "cpu",
          target: null,
          stabilizationSeconds: LIMITS.stabilizationSeconds.default,
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
  const settingsOf = (appId: string): Settings => ({ policies: policiesOf(appId), schedules: stateOf(appId).schedules, limits: LIMITS });

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
      put: proc("autoscale.put").mutation(({ input }) => {
        apps.writable();
        const app = apps.find(input.app);
        for (const p of input.policies) {
          if (!apps.processTypes(app.id).includes(p.process)) throw bad(`${app.name} has no process type "${p.process}".`);
        }
        const policies = input.policies.map((p) => ({ ...checkPolicy(p), saved: true, updatedAt: new Date() }));
        const schedules = (input.schedules ?? []).map((sc) => ({ ...sc, min: sc.min ?? null, max: sc.max ?? null }));
        s.policies[app.id] = { ...stateOf(app.id), policies, schedules };
        return settingsOf(app.id);
      }),
      events: proc("autoscale.events").query(({ input }) => stateOf(apps.find(input.app).id).events.slice(0, input.limit ?? 50)),
      pushMetric: proc("autoscale.pushMetric").mutation(({ input }) => {
        apps.writable();
        return { process: input.process, value: input.value, at: new Date(), freshForSeconds: 120 };
      }),
    }),
  };
}
