// The router reconciler: Caddy should run exactly the desired routes. `apply` changes what is
// desired; `reconcile` (also run every couple of seconds by `start`) makes Caddy match it again
// after Caddy was killed, restarted, or had its config changed by someone else.
import { type CaddyAdminClient, caddyAdminClient } from "./admin-client.ts";
import { DEFAULT_BASE_DOMAIN, generateCaddyConfig } from "./caddy-config.ts";
import { type CaddyHandle, caddyPaths, defaultAdminAddress, startOrAdoptCaddy } from "./caddy-process.ts";
import { type ObtainFailure, readCertificate, readObtainFailure, type StoredCertificate } from "./certificates.ts";
import { configHash } from "./config-hash.ts";
import { CaddyUnavailableError } from "./errors.ts";
import type { AdminAddress, AppRoute, RouterSettings } from "./types.ts";
import { hostOwners, normaliseRoutes } from "./validate.ts";

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
  | { type: "caddy-adopted" }
  | { type: "caddy-lost"; pid: number | null; reason: string }
  | { type: "config-loaded"; reason: "applied" | "drifted" }
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
  /** One pass: Caddy up (restarted if ours died), running the desired config. */
  reconcile(): Promise<ReconcileResult>;
  /** Runs `reconcile` every `reconcileIntervalMs` until `stop`; failures go to `onEvent`. */
  start(): void;
  /**
   * Ends the loop and stops the Caddy this router started (an adopted one keeps running, unless
   * `adopted: true`: then it is asked to exit through its admin API, for a full shutdown).
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
  const emit = (event: RouterEvent) => options.onEvent?.(event);
  let caddy: CaddyHandle | null = null;
  let desired: { config: Record<string, unknown>; hash: string } | null = null;
  let routedHosts: ReadonlyMap<string, string> = new Map();
  let timer: NodeJS.Timeout | null = null;
  let looping = false;
  let stopped = false;
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
      await caddy.stop();
      caddy = null;
    }
    if (options.startCaddy === false) {
      if (!(await client.ping())) throw new CaddyUnavailableError(client.address, "not running, and this router only adopts");
    }
    caddy = await startOrAdoptCaddy({ home: options.home, admin, caddyBinary: options.caddyBinary });
    emit(caddy.adopted ? { type: "caddy-adopted" } : { type: "caddy-started", pid: caddy.pid });
    return caddy.adopted ? "adopted" : "started";
  }

  async function converge(reason: "applied" | "drifted"): Promise<ReconcileResult> {
    const state = await ensureCaddy();
    if (!desired) return { caddy: state, loaded: false };
    if (configHash(await client.getConfig()) === desired.hash) return { caddy: state, loaded: false };
    await client.load(desired.config);
    emit({ type: "config-loaded", reason });
    return { caddy: state, loaded: true };
  }

  const loop = async () => {
    if (!looping) return;
    try {
      await serial(() => converge("drifted"));
    } catch (error) {
      emit({ type: "error", error });
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
        return { changed: (await converge("applied")).loaded };
      });
    },
    reconcile: () => serial(() => converge("drifted")),
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
        if (caddy?.adopted && stopOptions.adopted) await client.shutdown().catch(() => {});
        await caddy?.stop();
        caddy = null;
      });
    },
  };
}
