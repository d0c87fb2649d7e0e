// The router reconciler: Caddy should run exactly the desired routes. `apply` changes what is
// desired; `reconcile` (also run every couple of seconds by `start`) makes Caddy match it again
// after Caddy was killed, restarted, or had its config changed by someone else. A load Caddy
// refuses is undone, and listeners it left behind are found (by /proc and by probing through
// Caddy) and cleared by replacing Caddy.
import { type CaddyAdminClient, caddyAdminClient } from "./admin-client.ts";
import { DEFAULT_BASE_DOMAIN, DEFAULT_HTTP_PORT, generateCaddyConfig } from "./caddy-config.ts";
import { adoptCaddy, type CaddyHandle, caddyPaths, defaultAdminAddress, ownCaddyPids, startCaddy } from "./caddy-process.ts";
import { replaceCaddy } from "./caddy-replace.ts";
import { type ObtainFailure, readCertificate, readObtainFailure, type StoredCertificate } from "./certificates.ts";
import { configHash } from "./config-hash.ts";
import { runsOtherBinary } from "./custom-caddy.ts";
import { CaddyAdminError, CaddyUnavailableError, PortsHeldError } from "./errors.ts";
import { listenersLeftBehind as findListenersLeftBehind, portClaims } from "./listeners.ts";
import { refuseHeldPorts, routerPortClaims } from "./port-check.ts";
import type { AdminAddress, AppRoute, RouterSettings } from "./types.ts";
import { hostOwners, normaliseRoutes } from "./validate.ts";

type Json = Record<string, unknown>;

/** The loop probes the listeners every this many passes (a minute at the default 2 s)… */
const PROBE_EVERY_PASSES = 30;
/** …and retries a config Caddy refused every this many (Caddy is replaced after each refusal that left listeners). */
const RETRY_REFUSED_EVERY_PASSES = 15;

export interface RouterOptions {
  /** `$SKYPANEL_HOME`. */
  home: string;
  /** Default: the unix socket `$SKYPANEL_HOME/run/caddy-admin.sock`. */
  admin?: AdminAddress;
  settings?: RouterSettings;
  /** Start Caddy when nothing answers at the admin address (default true); false only adopts. */
  startCaddy?: boolean;
  caddyBinary?: string;
  /** Pause between reconcile passes of the loop (default 2 s). */
  reconcileIntervalMs?: number;
  /** What the router did, for the platform's log. */
  onEvent?: (event: RouterEvent) => void;
}

export type RouterEvent =
  | { type: "caddy-started"; pid: number | null }
  | { type: "caddy-adopted"; pid: number | null }
  | { type: "caddy-lost"; pid: number | null; reason: string }
  /** A fresh Caddy took over from one that served from listeners a failed load left behind. */
  | { type: "caddy-replaced"; pid: number | null; reason: string }
  | { type: "config-loaded"; reason: "applied" | "drifted" }
  /**
   * A config was not loaded: Caddy refused it (`CaddyAdminError`, Caddy's words), or it was not
   * sent because another process holds a port it needs (`PortsHeldError`). Caddy serves the
   * config before: as it was (`restored`), from a fresh Caddy that replaced one left with
   * listeners of the refused config (`restarted`), or `null`: it could not be brought back.
   */
  | { type: "load-failed"; error: unknown; recovered: "restored" | "restarted" | null }
  | { type: "error"; error: unknown };

export interface ReconcileResult {
  /** How Caddy was found: already in hand, or started/adopted in this pass. */
  caddy: "running" | "started" | "adopted";
  /** Whether the desired config had to be loaded. */
  loaded: boolean;
}

export interface Router {
  /** Makes Caddy serve exactly these routes. Same routes again: `changed: false` and nothing is loaded. */
  apply(routes: AppRoute[]): Promise<{ changed: boolean }>;
  /** One pass: Caddy up (restarted if ours died), running the desired config, with no listener left behind (probed). */
  reconcile(): Promise<ReconcileResult>;
  /** Runs `reconcile` every `reconcileIntervalMs` until `stop`; failures go to `onEvent`. */
  start(): void;
  /**
   * Ends the loop and stops the Caddy this router started (an adopted one keeps running, unless
   * `adopted: true`: then it is stopped too, by its pid or through its admin API, for a full shutdown).
   */
  stop(options?: { adopted?: boolean }): Promise<void>;
  /** Ends the loop but leaves Caddy serving, for a control-plane stop: the next start adopts it. */
  detach(): void;
  /** Whether custom domains get certificates and HTTPS (`settings.tls`). */
  readonly tlsEnabled: boolean;
  /** The certificate Caddy holds for `hostname`, from its storage; null while it has none. */
  certificate(hostname: string): StoredCertificate | null;
  /** Why Caddy's last attempt to obtain `hostname`'s certificate failed (its log); null if none did. */
  obtainFailure(hostname: string): ObtainFailure | null;
  /** Hostname → app name of the routes last applied: whose request a Host header names. */
  routedHosts(): ReadonlyMap<string, string>;
  readonly client: CaddyAdminClient;
  /** The Caddy in hand: pid, whether adopted. */
  readonly caddy: CaddyHandle | null;
}

export function createRouter(options: RouterOptions): Router {
  const admin = options.admin ?? defaultAdminAddress(options.home);
  const client = caddyAdminClient(admin);
  const settings = options.settings ?? {};
  const placement = { admin, storageRoot: caddyPaths(options.home).dataDir };
  const claims = routerPortClaims(options.home, admin, settings);
  const emit = (event: RouterEvent) => options.onEvent?.(event);
  let caddy: CaddyHandle | null = null;
  let desired: { config: Json; hash: string } | null = null;
  let routedHosts: ReadonlyMap<string, string> = new Map();
  let timer: NodeJS.Timeout | null = null;
  let looping = false;
  let stopped = false;
  // Loop passes, for the probe's and the refused config's schedules.
  let passes = 0;
  let probeAt = 0;
  let refused: { hash: string; retryAt: number } | null = null;
  // The config hash whose listeners were last found clean, on the Caddy in hand.
  let verified: string | null = null;
  // Refusals already told as `load-failed`, which the loop does not tell again as `error`.
  const told = new WeakSet<object>();
  // apply and reconcile never overlap: each waits for the one before.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  async function ensureCaddy(): Promise<ReconcileResult["caddy"]> {
    if (caddy) {
      const lost = !caddy.alive() ? "it exited" : !(await client.ping()) ? "its admin API stopped answering" : null;
      if (!lost) return "running";
      emit({ type: "caddy-lost", pid: caddy.pid, reason: lost });
      // Ours but deaf (e.g. someone moved its admin endpoint): replace it rather than run two.
      await caddy.terminate();
      caddy = null;
      verified = null;
    }
    if (options.startCaddy === false) {
      if (!(await client.ping())) throw new CaddyUnavailableError(client.address, "not running, and this router only adopts");
    }
    let adopted = await adoptCaddy({ home: options.home, admin });
    // A Caddy of another build (SKYPANEL_CADDY changed since it started) would refuse or ignore
    // the traffic handlers: it is stopped, and the chosen one started in its place.
    if (adopted?.pid && options.caddyBinary && runsOtherBinary(adopted.pid, options.caddyBinary)) {
      const pid = adopted.pid;
      await adopted.terminate();
      adopted = null;
      emit({ type: "caddy-replaced", pid, reason: `it ran another binary than ${options.caddyBinary}` });
    }
    // The Caddy behind our admin socket may hold them (unless it cannot be told); at a fresh start, nothing may.
    const ours = adopted ? ownCaddyPids(options.home, admin) : [];
    if (!adopted || ours.length > 0) refuseHeldPorts(claims, ours);
    caddy = adopted ?? (await startCaddy({ home: options.home, admin, caddyBinary: options.caddyBinary }));
    emit(caddy.adopted ? { type: "caddy-adopted", pid: caddy.pid } : { type: "caddy-started", pid: caddy.pid });
    return caddy.adopted ? "adopted" : "started";
  }

  /**
   * `thorough` (an explicit reconcile) checks the listeners every time; the loop now and then,
   * and tries a refused config again only every so many passes.
   */
  async function converge(reason: "applied" | "drifted", thorough: boolean): Promise<ReconcileResult> {
    const state = await ensureCaddy();
    if (!desired) return { caddy: state, loaded: false };
    const running = (await client.getConfig()) as Json;
    if (configHash(running) === desired.hash) {
      refused = null;
      if (thorough || verified !== desired.hash || passes >= probeAt) await clearLeftListeners(desired.config);
      return { caddy: state, loaded: false };
    }
    if (!thorough && reason === "drifted" && refused?.hash === desired.hash && passes < refused.retryAt)
      return { caddy: state, loaded: false };
    try {
      // Caddy opens a config's listeners before it knows the load succeeds, and a load failing on
      // a port another process holds leaves them behind: such a config is not sent at all.
      const ours = caddy?.pid ? [caddy.pid] : ownCaddyPids(options.home, admin);
      if (ours.length > 0) refuseHeldPorts(portClaims(desired.config), ours);
      await client.load(desired.config);
    } catch (error) {
      if (!(error instanceof CaddyAdminError || error instanceof PortsHeldError)) throw error;
      refused = { hash: desired.hash, retryAt: passes + RETRY_REFUSED_EVERY_PASSES };
      emit({ type: "load-failed", error, recovered: error instanceof PortsHeldError ? "restored" : await restore(running) });
      told.add(error);
      throw error;
    }
    refused = null;
    emit({ type: "config-loaded", reason });
    await clearLeftListeners(desired.config);
    return { caddy: state, loaded: true };
  }

  /** After a refused load: Caddy back on `previous`, with no listener of the refused config left. */
  async function restore(previous: Json): Promise<"restored" | "restarted" | null> {
    verified = null;
    try {
      if (configHash(await client.getConfig()) !== configHash(previous)) await client.load(previous);
      if (!(await listenersLeftBehind(previous))) {
        verified = configHash(previous);
        return "restored";
      }
    } catch {
      // Not even the previous config loads: a fresh Caddy may take it.
    }
    try {
      await replace(previous, "a refused config load left listeners behind");
      return "restarted";
    } catch (error) {
      emit({ type: "error", error });
      return null;
    }
  }

  /** Replaces Caddy when sockets beyond `config`'s, or answers from another config, are found. */
  async function clearLeftListeners(config: Json) {
    // Checked again only at the next probe, also when the replacement below fails.
    probeAt = passes + PROBE_EVERY_PASSES;
    verified = configHash(config);
    if (await listenersLeftBehind(config)) await replace(config, "Caddy kept listeners of a config it had refused");
  }

  const listenersLeftBehind = (config: Json) =>
    findListenersLeftBehind({
      pid: caddy?.pid ?? null,
      config,
      ports: claims.map((c) => c.port),
      httpHost: settings.httpHost ?? "",
      httpPort: settings.httpPort ?? DEFAULT_HTTP_PORT,
    });

  async function replace(config: Json, reason: string) {
    if (!caddy) return;
    refuseHeldPorts(portClaims(config), [...ownCaddyPids(options.home, admin), ...(caddy.pid ? [caddy.pid] : [])]);
    const current = caddy;
    try {
      caddy = await replaceCaddy({ home: options.home, admin, caddyBinary: options.caddyBinary, current, config });
    } catch (error) {
      if (!current.alive()) caddy = null;
      throw error;
    }
    // A fresh Caddy has no listener but the config's; the next probe looks again.
    verified = configHash(config);
    emit({ type: "caddy-replaced", pid: caddy.pid, reason });
  }

  const loop = async () => {
    if (!looping) return;
    passes++;
    try {
      await serial(() => converge("drifted", false));
    } catch (error) {
      if (!(error instanceof Object && told.has(error))) emit({ type: "error", error });
    }
    if (looping) timer = setTimeout(loop, options.reconcileIntervalMs ?? 2_000).unref();
  };

  return {
    client,
    get caddy() {
      return caddy;
    },
    async apply(routes) {
      // Bad routes fail here, before anything is sent to Caddy.
      const config = generateCaddyConfig(routes, settings, placement);
      const hosts = hostOwners(normaliseRoutes(routes, settings.baseDomain ?? DEFAULT_BASE_DOMAIN));
      return await serial(async () => {
        // After stop(), nothing may start a Caddy again.
        if (stopped) return { changed: false };
        desired = { config, hash: configHash(config) };
        routedHosts = hosts;
        return { changed: (await converge("applied", false)).loaded };
      });
    },
    reconcile: () => serial(() => converge("drifted", true)),
    tlsEnabled: Boolean(settings.tls),
    certificate: (hostname) => readCertificate(placement.storageRoot, hostname),
    obtainFailure: (hostname) => readObtainFailure(caddyPaths(options.home).log, hostname),
    routedHosts: () => routedHosts,
    start() {
      if (looping) return;
      looping = true;
      timer = setTimeout(loop, options.reconcileIntervalMs ?? 2_000).unref();
    },
    detach() {
      looping = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    async stop(stopOptions = {}) {
      stopped = true;
      looping = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await serial(async () => {
        if (caddy?.adopted && stopOptions.adopted) await caddy.terminate();
        else await caddy?.stop();
        caddy = null;
      });
    },
  };
}
